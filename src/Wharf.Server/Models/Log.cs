namespace Wharf.Server.Models;

/// <summary>Model registry log messages; event ids 1700-1799.</summary>
internal static partial class Log
{
    [LoggerMessage(1700, LogLevel.Information, "Registered model {Project}/{Model} version {Version}: {Status}")]
    public static partial void VersionRegistered(ILogger logger, string project, string model, int version, string status);

    [LoggerMessage(1701, LogLevel.Error, "Registration of model {Project}/{Model} version {Version} failed unexpectedly")]
    public static partial void RegistrationCrashed(ILogger logger, string project, string model, int version, Exception exception);

    [LoggerMessage(1702, LogLevel.Information, "Alias {Alias} of model {Project}/{Model} now points at version {Version}")]
    public static partial void AliasSet(ILogger logger, string project, string model, string alias, int version);
}
