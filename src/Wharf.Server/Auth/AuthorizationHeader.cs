using System.Net.Http.Headers;
using System.Text;

namespace Wharf.Server.Auth;

/// <summary>
/// Reads <c>Authorization: Bearer &lt;token&gt;</c> and <c>Authorization: Basic base64(user:password)</c>. Oversized
/// or malformed headers read as "no credentials" (the caller answers 401), never as an exception.
/// </summary>
internal static class AuthorizationHeader
{
    /// <summary>Longest header we parse; a token is 53 characters and Basic with a username a little more.</summary>
    public const int MaxLength = 4096;

    public static bool TryReadBearer(HttpRequest request, out string token)
    {
        token = "";
        if (!TryRead(request, out var scheme, out var parameter) || !string.Equals(scheme, "Bearer", StringComparison.OrdinalIgnoreCase))
        {
            return false;
        }

        token = parameter;
        return true;
    }

    public static bool TryReadBasic(HttpRequest request, out string username, out string password)
    {
        username = password = "";
        if (!TryRead(request, out var scheme, out var parameter) || !string.Equals(scheme, "Basic", StringComparison.OrdinalIgnoreCase))
        {
            return false;
        }

        string decoded;
        try
        {
            decoded = new UTF8Encoding(false, throwOnInvalidBytes: true).GetString(Convert.FromBase64String(parameter));
        }
        catch (Exception ex) when (ex is FormatException or ArgumentException)
        {
            return false;
        }

        var colon = decoded.IndexOf(':', StringComparison.Ordinal);
        if (colon < 0)
        {
            return false;
        }

        username = decoded[..colon];
        password = decoded[(colon + 1)..];
        return true;
    }

    /// <summary>Whether the request carries an Authorization header at all (even an unreadable one).</summary>
    public static bool IsPresent(HttpRequest request) => request.Headers.Authorization.Count > 0;

    private static bool TryRead(HttpRequest request, out string scheme, out string parameter)
    {
        scheme = parameter = "";
        var values = request.Headers.Authorization;
        if (values.Count != 1 || values[0] is not { Length: > 0 and <= MaxLength } value)
        {
            return false;
        }

        if (!AuthenticationHeaderValue.TryParse(value, out var parsed) || parsed.Parameter is not { Length: > 0 } p)
        {
            return false;
        }

        scheme = parsed.Scheme;
        parameter = p.Trim();
        return true;
    }
}
