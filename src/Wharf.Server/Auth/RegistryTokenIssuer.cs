using System.Buffers;
using System.Buffers.Text;
using System.Security.Cryptography;
using System.Text.Json;
using Microsoft.Extensions.Options;

namespace Wharf.Server.Auth;

/// <summary>
/// Issues the short-lived ES256 bearer tokens of the Docker/OCI token flow, and the refresh tokens of its OAuth2
/// variant. A refresh token is a JWT with a different audience (<see cref="RefreshAudience"/>), so it can never be
/// used as registry access, and it names the principal and the PAT it came from so that using it re-checks both.
/// </summary>
internal sealed class RegistryTokenIssuer(RegistrySigningKeys keys, TimeProvider time, IOptions<AuthOptions> options)
{
    private readonly AuthOptions options = options.Value;

    public string RefreshAudience => "refresh:" + options.RegistryService;

    public (string Token, DateTimeOffset IssuedAt, TimeSpan ExpiresIn) IssueAccess(AuthPrincipal principal, IReadOnlyList<RegistryAccess> access)
    {
        var now = time.GetUtcNow();
        var lifetime = options.RegistryTokenLifetime;
        var token = Sign(principal.Subject, options.RegistryService, now, lifetime, writer =>
        {
            writer.WriteStartArray("access");
            foreach (var entry in access)
            {
                writer.WriteStartObject();
                writer.WriteString("type", entry.Type);
                writer.WriteString("name", entry.Name);
                writer.WriteStartArray("actions");
                foreach (var action in entry.Actions)
                {
                    writer.WriteStringValue(action);
                }

                writer.WriteEndArray();
                writer.WriteEndObject();
            }

            writer.WriteEndArray();
        });
        return (token, now, lifetime);
    }

    public string IssueRefresh(AuthPrincipal principal) =>
        Sign(principal.Subject, RefreshAudience, time.GetUtcNow(), options.RefreshTokenLifetime, writer =>
        {
            writer.WriteNumber("wharf_kind", (int)principal.Kind);
            writer.WriteNumber("wharf_id", principal.Id);
            if (principal.TokenId is { } tokenId)
            {
                writer.WriteNumber("wharf_tid", tokenId);
            }
        });

    private string Sign(string subject, string audience, DateTimeOffset now, TimeSpan lifetime, Action<Utf8JsonWriter> claims)
    {
        var buffer = new ArrayBufferWriter<byte>(512);
        using (var writer = new Utf8JsonWriter(buffer))
        {
            writer.WriteStartObject();
            writer.WriteString("iss", options.Issuer);
            writer.WriteString("sub", subject);
            writer.WriteString("aud", audience);
            writer.WriteNumber("exp", (now + lifetime).ToUnixTimeSeconds());
            writer.WriteNumber("nbf", now.ToUnixTimeSeconds());
            writer.WriteNumber("iat", now.ToUnixTimeSeconds());
            writer.WriteString("jti", Base64Url.EncodeToString(RandomNumberGenerator.GetBytes(16)));
            claims(writer);
            writer.WriteEndObject();
        }

        return Jws.Sign(keys.Current, buffer.WrittenSpan);
    }
}
