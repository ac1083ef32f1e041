namespace Wharf.Cli;

/// <summary>Exit codes scripts can rely on.</summary>
internal static class ExitCodes
{
    public const int Success = 0;

    /// <summary>The server answered with an error.</summary>
    public const int ServerError = 1;

    /// <summary>The command line was invalid.</summary>
    public const int Usage = 2;

    /// <summary>The server could not be reached.</summary>
    public const int Unreachable = 3;

    /// <summary>The command was interrupted (Ctrl+C).</summary>
    public const int Cancelled = 130;
}
