namespace Wharf.Client.Auth;

/// <summary>A project as <c>GET /api/v1/projects</c> lists it.</summary>
/// <param name="Name">The project name; the first component of its repositories.</param>
/// <param name="CreatedAt">When the project was created.</param>
/// <param name="Scopes">What the caller may do in it: the token's scopes narrowed by the caller's role.</param>
public sealed record ProjectInfo(string Name, DateTimeOffset CreatedAt, IReadOnlyList<string> Scopes);
