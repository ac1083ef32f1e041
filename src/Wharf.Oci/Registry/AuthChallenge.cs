using System.Net.Http.Headers;

namespace Wharf.Oci.Registry;

/// <summary>A parsed <c>WWW-Authenticate</c> challenge: its scheme and parameters (realm, service, scope).</summary>
internal sealed record AuthChallenge(string Scheme, IReadOnlyDictionary<string, string> Parameters)
{
    public bool IsBearer => Scheme.Equals("Bearer", StringComparison.OrdinalIgnoreCase);

    public bool IsBasic => Scheme.Equals("Basic", StringComparison.OrdinalIgnoreCase);

    public string? Realm => Parameters.GetValueOrDefault("realm");

    public string? Service => Parameters.GetValueOrDefault("service");

    /// <summary>The scopes the registry asked for (space-separated in one parameter, per the token spec).</summary>
    public IEnumerable<string> Scopes
        => Parameters.TryGetValue("scope", out var scope) ? scope.Split(' ', StringSplitOptions.RemoveEmptyEntries) : [];

    /// <summary>The first Bearer challenge of a 401, else the first Basic one, else null.</summary>
    public static AuthChallenge? From(HttpResponseHeaders headers)
    {
        AuthChallenge? basic = null;
        foreach (var header in headers.WwwAuthenticate)
        {
            var challenge = new AuthChallenge(header.Scheme, ParseParameters(header.Parameter));
            if (challenge.IsBearer)
            {
                return challenge;
            }

            basic ??= challenge.IsBasic ? challenge : null;
        }

        return basic;
    }

    /// <summary>Parses <c>key="quoted, value",key2=token</c> (RFC 7235 auth-params), keys case-insensitive.</summary>
    internal static Dictionary<string, string> ParseParameters(string? text)
    {
        var result = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
        var i = 0;
        while (text is not null && i < text.Length)
        {
            while (i < text.Length && (text[i] == ',' || char.IsWhiteSpace(text[i])))
            {
                i++;
            }

            var eq = text.IndexOf('=', i);
            if (eq < 0)
            {
                break;
            }

            var key = text[i..eq].Trim();
            i = eq + 1;
            string value;
            if (i < text.Length && text[i] == '"')
            {
                var builder = new System.Text.StringBuilder();
                i++;
                while (i < text.Length && text[i] != '"')
                {
                    if (text[i] == '\\' && i + 1 < text.Length)
                    {
                        i++;
                    }

                    builder.Append(text[i]);
                    i++;
                }

                i++;
                value = builder.ToString();
            }
            else
            {
                var end = text.IndexOf(',', i);
                end = end < 0 ? text.Length : end;
                value = text[i..end].Trim();
                i = end;
            }

            if (key.Length > 0)
            {
                result[key] = value;
            }
        }

        return result;
    }
}
