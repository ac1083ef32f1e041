namespace Wharf.Client.Auth;

/// <summary>The body of <c>POST /api/v1/projects/{project}/service-accounts</c>.</summary>
/// <param name="Name">The account's name, unique in the project (same grammar as project names).</param>
/// <param name="Role"><c>viewer</c>, <c>developer</c>, <c>maintainer</c> or <c>owner</c>.</param>
public sealed record CreateServiceAccountRequest(string? Name, string? Role);
