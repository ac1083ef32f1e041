namespace Wharf.Client.Auth;

/// <summary>A member of a project: a user or one of the project's service accounts.</summary>
/// <param name="Kind"><c>user</c> or <c>service-account</c>.</param>
/// <param name="Name">The username or the service account's name.</param>
/// <param name="Role"><c>viewer</c>, <c>developer</c>, <c>maintainer</c> or <c>owner</c>.</param>
/// <param name="Since">When the member was added.</param>
public sealed record ProjectMemberInfo(string Kind, string Name, string Role, DateTimeOffset Since);
