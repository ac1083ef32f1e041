namespace Wharf.Server.Hosting;

/// <summary>Hosting log messages; event ids 1000-1099.</summary>
internal static partial class Log
{
    [LoggerMessage(1000, LogLevel.Information, "Wharf {Version} starting; data directory {DataDirectory}")]
    public static partial void Starting(ILogger logger, string version, string dataDirectory);

    [LoggerMessage(1001, LogLevel.Information, "Wharf stopping")]
    public static partial void Stopping(ILogger logger);

    [LoggerMessage(1002, LogLevel.Error, "Unhandled exception on {Method} {Path}")]
    public static partial void UnhandledException(ILogger logger, string method, string path, Exception exception);
}
