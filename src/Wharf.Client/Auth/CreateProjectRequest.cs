namespace Wharf.Client.Auth;

/// <summary>The body of <c>POST /api/v1/projects</c>; the caller becomes the project's owner.</summary>
/// <param name="Name">Up to 64 characters of <c>[a-z0-9]</c> joined by <c>.</c>, <c>_</c> or <c>-</c>.</param>
public sealed record CreateProjectRequest(string? Name);
