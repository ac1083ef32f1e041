using System.Text.Json;

namespace Wharf.Server.Auth;

/// <summary>The outcome of <see cref="JwtValidator.Validate"/>: the verified claims, or why the token was refused.</summary>
internal sealed record JwtValidationResult(JsonElement? Claims, string? Error)
{
    public bool IsValid => Claims is not null;

    public static JwtValidationResult Fail(string error) => new(null, error);
}
