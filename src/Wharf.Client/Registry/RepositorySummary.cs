namespace Wharf.Client.Registry;

/// <summary>A registry repository as listed by <c>GET /api/v1/registry/repositories</c>.</summary>
/// <param name="Name">The full name, <c>&lt;project&gt;/&lt;name&gt;</c>.</param>
/// <param name="Project">The owning project.</param>
/// <param name="Tags">How many tags it has.</param>
/// <param name="Manifests">How many manifests it holds, tagged or not.</param>
/// <param name="CreatedAt">When the first push created it.</param>
public sealed record RepositorySummary(string Name, string Project, int Tags, int Manifests, DateTimeOffset CreatedAt);
