namespace Wharf.Client.Auth;

/// <summary>The scopes a token carries in one project.</summary>
/// <param name="Project">The project; null means every project (only an administrator's token).</param>
/// <param name="Scopes">Scopes by wire name (<c>registry:pull</c>, ...).</param>
public sealed record TokenGrantInfo(string? Project, IReadOnlyList<string> Scopes);
