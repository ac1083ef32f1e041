using System.Buffers.Text;
using System.Security.Cryptography;
using Microsoft.AspNetCore.DataProtection;

namespace Wharf.Server.Events.Webhooks;

/// <summary>
/// Webhook signing secrets. Unlike tokens they cannot be stored as hashes (the server signs with them), so they are
/// stored encrypted with ASP.NET Core Data Protection, whose keys live in the data directory's <c>keys</c> folder
/// (<c>HostingExtensions</c>): a database dump alone does not reveal them. A generated secret is <c>whsec_</c> + 32
/// random bytes in base64url; a caller may bring its own. The HMAC key is the secret's UTF-8 bytes, as written.
/// </summary>
internal sealed class WebhookSecrets(IDataProtectionProvider dataProtection)
{
    public const string Prefix = "whsec_";
    public const int MinLength = 16;
    public const int MaxLength = 256;

    // The purpose string isolates these ciphertexts from every other Data Protection use (cookies, antiforgery).
    private readonly IDataProtector _protector = dataProtection.CreateProtector("Wharf.Events.Webhooks.Secret.v1");

    public static string Generate()
    {
        Span<byte> bytes = stackalloc byte[32];
        RandomNumberGenerator.Fill(bytes);
        return Prefix + Base64Url.EncodeToString(bytes);
    }

    /// <summary>Why a caller's secret is unusable, or null.</summary>
    public static string? Validate(string secret) =>
        secret.Length is < MinLength or > MaxLength
            ? $"secret: use {MinLength} to {MaxLength} characters, or leave it out and the server generates one"
            : secret.Any(char.IsControl) ? "secret: control characters are not allowed" : null;

    public string Protect(string secret) => _protector.Protect(secret);

    /// <summary>The secret, or null when its key is gone (the data directory's keys were lost or replaced).</summary>
    public string? Unprotect(string protectedSecret)
    {
        try
        {
            return _protector.Unprotect(protectedSecret);
        }
        catch (CryptographicException)
        {
            return null;
        }
    }
}
