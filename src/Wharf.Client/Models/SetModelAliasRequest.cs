namespace Wharf.Client.Models;

/// <summary>The body of <c>PUT /api/v1/projects/{project}/models/{name}/aliases/{alias}</c>.</summary>
/// <param name="Version">The READY version the alias is to point at.</param>
public sealed record SetModelAliasRequest(int Version);
