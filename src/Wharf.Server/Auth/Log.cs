namespace Wharf.Server.Auth;

/// <summary>Auth log messages; event ids 1500-1599. Secrets never appear in a message.</summary>
internal static partial class Log
{
    [LoggerMessage(1500, LogLevel.Warning, "Created the bootstrap administrator 'admin'; its token is in {Path} (mode 0600)")]
    public static partial void BootstrapAdminCreated(ILogger logger, string path);

    [LoggerMessage(1501, LogLevel.Information, "Generated registry signing key {KeyId} in {Path}")]
    public static partial void SigningKeyGenerated(ILogger logger, string keyId, string path);

    [LoggerMessage(1502, LogLevel.Information, "Token endpoint refused credentials for {Username} from {RemoteAddress}")]
    public static partial void TokenEndpointRefused(ILogger logger, string username, string? remoteAddress);

    [LoggerMessage(1503, LogLevel.Warning, "Token endpoint rate limit hit by {RemoteAddress}")]
    public static partial void TokenEndpointRateLimited(ILogger logger, string? remoteAddress);

    [LoggerMessage(1504, LogLevel.Warning, "Ignored unreadable registry signing key {Path}")]
    public static partial void SigningKeyUnreadable(ILogger logger, string path, Exception exception);

    [LoggerMessage(1505, LogLevel.Error, "Endpoint {Endpoint} declares no access policy; refused")]
    public static partial void EndpointWithoutPolicy(ILogger logger, string? endpoint);

    [LoggerMessage(1506, LogLevel.Warning, "Reset the administrator's token ({Revoked} old bootstrap tokens revoked); the new one is in {Path} (mode 0600)")]
    public static partial void AdminTokenReset(ILogger logger, string path, int revoked);
}
