using System.Diagnostics.CodeAnalysis;

namespace Wharf.Server.Events.Webhooks;

/// <summary>
/// What a webhook URL must look like when it is stored: absolute http(s), a host, no user info (credentials in URLs
/// leak into logs; receivers authenticate requests by the signature), no fragment, bounded length. Where it may
/// connect is decided later, at connect time (<see cref="WebhookNetworkPolicy"/>); an internal address is not refused
/// here because a name's address can change after this check anyway.
/// </summary>
internal static class WebhookUrl
{
    public static bool TryParse(string? text, [NotNullWhen(true)] out Uri? url, [NotNullWhen(false)] out string? error)
    {
        url = null;
        if (string.IsNullOrWhiteSpace(text))
        {
            error = "url: required";
            return false;
        }

        if (text.Length > Webhook.MaxUrlLength)
        {
            error = $"url: at most {Webhook.MaxUrlLength} characters";
            return false;
        }

        if (text.Any(char.IsControl) || text.Any(char.IsWhiteSpace))
        {
            error = "url: whitespace and control characters are not allowed";
            return false;
        }

        // On Unix a rooted path parses as an absolute file: URI; it is a relative reference to a person.
        if (text.StartsWith('/') || text.StartsWith('\\') || !Uri.TryCreate(text, UriKind.Absolute, out var parsed))
        {
            error = $"url: '{Cut(text)}' is not an absolute URL";
            return false;
        }

        if (parsed.Scheme != Uri.UriSchemeHttp && parsed.Scheme != Uri.UriSchemeHttps)
        {
            error = $"url: the scheme must be http or https, not '{Cut(parsed.Scheme)}'";
            return false;
        }

        if (!string.IsNullOrEmpty(parsed.UserInfo) || RawAuthority(text).Contains('@', StringComparison.Ordinal))
        {
            error = "url: user info (user:password@) is not allowed; receivers check the X-Wharf-Signature header instead";
            return false;
        }

        if (string.IsNullOrEmpty(parsed.Host))
        {
            error = "url: a host is required";
            return false;
        }

        if (!string.IsNullOrEmpty(parsed.Fragment))
        {
            error = "url: a fragment (#...) is not allowed";
            return false;
        }

        url = parsed;
        error = null;
        return true;
    }

    /// <summary>The authority as written (between <c>://</c> and the path), in case the parser read an '@' differently.</summary>
    private static string RawAuthority(string text)
    {
        var start = text.IndexOf("://", StringComparison.Ordinal);
        if (start < 0)
        {
            return "";
        }

        var rest = text[(start + 3)..];
        var end = rest.IndexOfAny(['/', '?', '#', '\\']);
        return end < 0 ? rest : rest[..end];
    }

    private static string Cut(string value) => value.Length <= 100 ? value : value[..100] + "...";
}
