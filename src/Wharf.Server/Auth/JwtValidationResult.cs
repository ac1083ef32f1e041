using System.Text.Json;

namespace Wharf.Server.Auth;

/// <summary>
/// The outcome of <see cref="JwtValidator.Validate"/>: the verified claims and the last instant the validator would still
/// accept the token (expiry plus leeway), or why the token was refused.
/// </summary>
internal sealed record JwtValidationResult(JsonElement? Claims, string? Error, DateTimeOffset ValidUntil = default)
{
    public bool IsValid => Claims is not null;

    public static JwtValidationResult Fail(string error) => new(null, error);
}
