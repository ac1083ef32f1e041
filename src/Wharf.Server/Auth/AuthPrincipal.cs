using Wharf.Server.Registry;

namespace Wharf.Server.Auth;

/// <summary>
/// An authenticated caller and what it may do right now: its effective scopes per project name, already narrowed
/// by the token it used (if any) and its current roles. Built per request, never cached across requests, so a
/// removed member or a revoked token loses access immediately.
/// </summary>
internal sealed record AuthPrincipal(
    PrincipalKind Kind,
    long Id,
    string Name,
    bool IsAdmin,
    long? TokenId,
    IReadOnlyDictionary<string, Scope> Projects,
    Scope EveryProject)
{
    /// <summary>A stable subject string for JWTs and the audit log: <c>user:alice</c>, <c>sa:ml/ci</c>.</summary>
    public string Subject => Kind == PrincipalKind.User ? $"user:{Name}" : $"sa:{Name}";

    /// <summary>
    /// An administrator acting with full rights: an administrator's token narrowed to some projects does not carry the
    /// server-wide operations (garbage collection, fsck, user management).
    /// </summary>
    public bool IsServerAdmin => IsAdmin && EveryProject.HasFlag(Scope.ProjectAdmin);

    /// <summary>The repositories of the projects where this principal holds <paramref name="scope"/>, as a listing filter.</summary>
    public RepositoryVisibility VisibleRepositories(Scope scope) =>
        (EveryProject & scope) == scope
            ? RepositoryVisibility.Everything
            : RepositoryVisibility.OfProjects([.. Projects.Where(p => (p.Value & scope) == scope).Select(p => p.Key)]);

    public Scope ScopesIn(string project) =>
        EveryProject | (Projects.TryGetValue(project, out var scopes) ? scopes : Scope.None);
}
