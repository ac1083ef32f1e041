namespace Wharf.Client.Auth;

/// <summary>The body of <c>POST /api/v1/tokens</c>: a token for the caller.</summary>
/// <param name="Name">A label for the token (1 to 100 characters).</param>
/// <param name="Grants">Scopes per project; each project must be one the caller holds those scopes in.</param>
/// <param name="ExpiresInDays">Lifetime in days; the server's default (90) when null.</param>
public sealed record CreateTokenRequest(string? Name, IReadOnlyList<TokenGrantInfo>? Grants, int? ExpiresInDays);
