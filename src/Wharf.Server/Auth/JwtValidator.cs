using System.Buffers.Text;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Microsoft.Extensions.Options;

namespace Wharf.Server.Auth;

/// <summary>
/// Verifies JWTs this server issued. Deliberately narrow, because generic JWT validation is where the classic
/// attacks live: the algorithm is fixed to ES256 (so <c>alg: none</c> and HS256-with-the-public-key are refused),
/// the key is found only by a <c>kid</c> that is one of ours, and key-carrying headers (<c>jwk</c>, <c>x5c</c>,
/// <c>jku</c>, <c>x5u</c>) are never looked at. <c>crit</c> is refused since we implement no extension.
/// </summary>
internal sealed class JwtValidator(RegistrySigningKeys keys, TimeProvider time, IOptions<AuthOptions> options)
{
    /// <summary>Our tokens are well under 2 KiB even with many repositories; anything much larger is hostile.</summary>
    public const int MaxLength = 8192;

    public static readonly TimeSpan Leeway = TimeSpan.FromSeconds(60);

    public JwtValidationResult Validate(string? token, string audience)
    {
        if (string.IsNullOrEmpty(token))
        {
            return JwtValidationResult.Fail("no token");
        }

        if (token.Length > MaxLength)
        {
            return JwtValidationResult.Fail("token too large");
        }

        var parts = token.Split('.');
        if (parts.Length != 3 || parts.Any(p => p.Length == 0 || !IsBase64Url(p)))
        {
            return JwtValidationResult.Fail("malformed token");
        }

        using var header = ParseObject(parts[0]);
        if (header is null)
        {
            return JwtValidationResult.Fail("malformed header");
        }

        var root = header.RootElement;
        if (!root.TryGetProperty("alg", out var alg) || alg.ValueKind != JsonValueKind.String || alg.GetString() != Jws.Algorithm)
        {
            return JwtValidationResult.Fail("unsupported algorithm");
        }

        if (root.TryGetProperty("crit", out _))
        {
            return JwtValidationResult.Fail("unsupported critical header");
        }

        if (!root.TryGetProperty("kid", out var kid) || kid.ValueKind != JsonValueKind.String || keys.Find(kid.GetString()!) is not { } key)
        {
            return JwtValidationResult.Fail("unknown key");
        }

        var signature = Base64Url.DecodeFromChars(parts[2]);
        var signingInput = Encoding.ASCII.GetBytes(string.Concat(parts[0], ".", parts[1]));
        if (signature.Length != 64
            || !key.Key.VerifyData(signingInput, signature, HashAlgorithmName.SHA256, DSASignatureFormat.IeeeP1363FixedFieldConcatenation))
        {
            return JwtValidationResult.Fail("bad signature");
        }

        using var payload = ParseObject(parts[1]);
        if (payload is null)
        {
            return JwtValidationResult.Fail("malformed payload");
        }

        var claims = payload.RootElement;
        if (!claims.TryGetProperty("iss", out var iss) || iss.ValueKind != JsonValueKind.String || iss.GetString() != options.Value.Issuer)
        {
            return JwtValidationResult.Fail("wrong issuer");
        }

        if (!HasAudience(claims, audience))
        {
            return JwtValidationResult.Fail("wrong audience");
        }

        var now = time.GetUtcNow();
        if (!claims.TryGetProperty("exp", out var exp) || !exp.TryGetInt64(out var expSeconds)
            || now > FromUnixSeconds(expSeconds) + Leeway)
        {
            return JwtValidationResult.Fail("expired");
        }

        if (claims.TryGetProperty("nbf", out var nbf)
            && (!nbf.TryGetInt64(out var nbfSeconds) || now + Leeway < FromUnixSeconds(nbfSeconds)))
        {
            return JwtValidationResult.Fail("not yet valid");
        }

        return new JwtValidationResult(claims.Clone(), null, FromUnixSeconds(expSeconds) + Leeway);
    }

    /// <summary>A NumericDate, clamped to what <see cref="DateTimeOffset"/> can hold (a hostile value must not throw).</summary>
    private static DateTimeOffset FromUnixSeconds(long seconds) => DateTimeOffset.FromUnixTimeSeconds(Math.Clamp(seconds, 0, 253402300799));

    private static bool HasAudience(JsonElement claims, string audience)
    {
        if (!claims.TryGetProperty("aud", out var aud))
        {
            return false;
        }

        return aud.ValueKind switch
        {
            JsonValueKind.String => aud.GetString() == audience,
            JsonValueKind.Array => aud.EnumerateArray().Any(a => a.ValueKind == JsonValueKind.String && a.GetString() == audience),
            _ => false,
        };
    }

    /// <summary>Strict base64url: the URL-safe alphabet only, no padding, no whitespace.</summary>
    private static bool IsBase64Url(string value)
    {
        foreach (var c in value)
        {
            if (!char.IsAsciiLetterOrDigit(c) && c != '-' && c != '_')
            {
                return false;
            }
        }

        return value.Length % 4 != 1;
    }

    /// <summary>A JSON object with no duplicate member names (a duplicate <c>alg</c> is a parser-confusion attack), or null.</summary>
    private static JsonDocument? ParseObject(string part)
    {
        JsonDocument? document = null;
        try
        {
            document = JsonDocument.Parse(Base64Url.DecodeFromChars(part), new JsonDocumentOptions { MaxDepth = 8, AllowDuplicateProperties = false });
            if (document.RootElement.ValueKind != JsonValueKind.Object)
            {
                document.Dispose();
                return null;
            }

            return document;
        }
        catch (Exception ex) when (ex is JsonException or FormatException or ArgumentException)
        {
            document?.Dispose();
            return null;
        }
    }
}
