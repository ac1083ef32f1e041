namespace Wharf.Client.Auth;

/// <summary>What the caller may do in one project.</summary>
/// <param name="Project">The project name.</param>
/// <param name="Scopes">Effective scopes, by wire name (<c>registry:pull</c>, ...).</param>
public sealed record ProjectAccess(string Project, IReadOnlyList<string> Scopes);
