namespace Wharf.Client.Auth;

/// <summary>The body of <c>PUT /api/v1/projects/{project}/members/{username}</c>.</summary>
/// <param name="Role"><c>viewer</c>, <c>developer</c>, <c>maintainer</c> or <c>owner</c>.</param>
public sealed record SetMemberRoleRequest(string? Role);
