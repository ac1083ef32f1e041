namespace Wharf.Server.Hosting;

/// <summary>
/// The server refuses to start for a reason the operator must fix (for example a database schema newer than
/// this build). The message says what is wrong and what to do; it is printed without a stack trace.
/// </summary>
internal sealed class StartupException(string message, Exception? innerException = null)
    : Exception(message, innerException);
