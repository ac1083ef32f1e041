namespace Wharf.Server.Auth;

/// <summary>A member's role in a project; each role is a named set of scopes (<see cref="ProjectRoles"/>).</summary>
internal enum ProjectRole
{
    Viewer = 1,
    Developer = 2,
    Maintainer = 3,
    Owner = 4,
}
