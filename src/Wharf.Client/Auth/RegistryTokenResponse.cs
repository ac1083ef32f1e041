using System.Text.Json.Serialization;

namespace Wharf.Client.Auth;

/// <summary>
/// The answer of <c>/auth/token</c>, in the Docker/OCI token specification's snake_case shape (both <c>token</c> and
/// <c>access_token</c> carry the same JWT: Docker reads the first, OAuth2 clients the second).
/// </summary>
/// <param name="Token">The registry bearer token (an ES256 JWT).</param>
/// <param name="AccessToken">The same JWT, under its OAuth2 name.</param>
/// <param name="ExpiresIn">Seconds until the token expires.</param>
/// <param name="IssuedAt">When the token was issued, RFC 3339.</param>
/// <param name="RefreshToken">For the OAuth2 password grant only: a token for <c>grant_type=refresh_token</c>.</param>
public sealed record RegistryTokenResponse(
    [property: JsonPropertyName("token")] string Token,
    [property: JsonPropertyName("access_token")] string AccessToken,
    [property: JsonPropertyName("expires_in")] int ExpiresIn,
    [property: JsonPropertyName("issued_at")] DateTimeOffset IssuedAt,
    [property: JsonPropertyName("refresh_token"), JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] string? RefreshToken);
