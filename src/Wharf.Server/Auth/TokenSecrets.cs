using System.Buffers.Text;
using System.Diagnostics.CodeAnalysis;
using System.Security.Cryptography;
using System.Text;

namespace Wharf.Server.Auth;

/// <summary>
/// Token secrets: <c>wharf_pat_</c> + 43 base64url characters (32 random bytes). The prefix lets secret scanners and
/// people recognise a leaked Wharf token, and lets the server tell a token from a password in Basic auth.
/// </summary>
internal static class TokenSecrets
{
    public const string Prefix = "wharf_pat_";

    /// <summary>Prefix plus 43 characters: 32 bytes in unpadded base64url.</summary>
    public const int Length = 53;

    public static string Generate()
    {
        Span<byte> bytes = stackalloc byte[32];
        RandomNumberGenerator.Fill(bytes);
        return Prefix + Base64Url.EncodeToString(bytes);
    }

    /// <summary>Whether <paramref name="value"/> has the shape of a token (not whether it is valid).</summary>
    public static bool LooksLikeToken([NotNullWhen(true)] string? value) =>
        value is { Length: Length }
        && value.StartsWith(Prefix, StringComparison.Ordinal)
        && Base64Url.IsValid(value.AsSpan(Prefix.Length), out var decoded)
        && decoded == 32;

    public static byte[] Hash(string secret) => SHA256.HashData(Encoding.UTF8.GetBytes(secret));
}
