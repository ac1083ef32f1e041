namespace Wharf.Client.Auth;

/// <summary>The body of <c>POST /api/v1/projects/{project}/service-accounts/{name}/tokens</c>.</summary>
/// <param name="Name">A label for the token (1 to 100 characters).</param>
/// <param name="Scopes">Scopes in the account's project, by wire name (<c>registry:pull</c>, ...).</param>
/// <param name="ExpiresInDays">Lifetime in days; the server's default (90) when null.</param>
public sealed record CreateServiceAccountTokenRequest(string? Name, IReadOnlyList<string>? Scopes, int? ExpiresInDays);
