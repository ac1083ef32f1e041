namespace Wharf.Client.Auth;

/// <summary>The caller as the server sees it: the answer of <c>GET /api/v1/auth/whoami</c>.</summary>
/// <param name="Kind"><c>user</c> or <c>service-account</c>.</param>
/// <param name="Name">The username, or <c>&lt;project&gt;/&lt;name&gt;</c> for a service account.</param>
/// <param name="IsAdmin">Whether the principal is an administrator.</param>
/// <param name="EveryProject">Scopes held in every project (administrators), by wire name.</param>
/// <param name="Projects">Effective scopes per project: the token's scopes narrowed by the current role.</param>
public sealed record WhoAmI(string Kind, string Name, bool IsAdmin, IReadOnlyList<string> EveryProject, IReadOnlyList<ProjectAccess> Projects);
