using System.Net;

namespace Wharf.Cli;

/// <summary>
/// Finds the token the CLI sends, in this order: <c>--token</c>, <c>$WHARF_TOKEN</c>, the token <c>wharf login</c>
/// stored for that server (<see cref="CredentialStore"/>), and, when the server is on this machine (a loopback
/// address), the bootstrap administrator's token that the server wrote to <c>$WHARF_DATA/admin-token</c> (default
/// <c>./.wharf/admin-token</c>), readable only by the user who runs it.
/// </summary>
internal static class CliCredentials
{
    public const string TokenEnvironmentVariable = "WHARF_TOKEN";
    public const string DataEnvironmentVariable = "WHARF_DATA";
    public const string AdminTokenFileName = "admin-token";

    public static string? Resolve(string? explicitToken, Uri server, CredentialStore store)
    {
        if (!string.IsNullOrWhiteSpace(explicitToken))
        {
            return explicitToken.Trim();
        }

        if (Environment.GetEnvironmentVariable(TokenEnvironmentVariable) is { Length: > 0 } fromEnvironment)
        {
            return fromEnvironment.Trim();
        }

        if (store.Find(server) is { Length: > 0 } stored)
        {
            return stored;
        }

        return IsLocal(server) ? ReadLocalAdminToken() : null;
    }

    private static bool IsLocal(Uri server) =>
        server.IsLoopback || (IPAddress.TryParse(server.Host.Trim('[', ']'), out var address) && IPAddress.IsLoopback(address));

    private static string? ReadLocalAdminToken()
    {
        var data = Environment.GetEnvironmentVariable(DataEnvironmentVariable) is { Length: > 0 } set ? set : ".wharf";
        var path = Path.Combine(data, AdminTokenFileName);
        try
        {
            return File.Exists(path) ? File.ReadAllText(path).Trim() : null;
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            // Another user's server: its token is not ours to read.
            return null;
        }
    }
}
