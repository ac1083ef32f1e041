namespace Wharf.Client.Models;

/// <summary>A registered model as <c>GET /api/v1/projects/{project}/models</c> lists it.</summary>
/// <param name="Project">The project it belongs to.</param>
/// <param name="Name">The model's name, one OCI path component.</param>
/// <param name="Description">Its description, if any.</param>
/// <param name="LatestVersion">The highest version number it holds; null when it has none.</param>
/// <param name="Aliases">Its aliases, in name order.</param>
/// <param name="CreatedAt">When it was created.</param>
/// <param name="UpdatedAt">When it last changed.</param>
public sealed record ModelSummary(
    string Project, string Name, string? Description, int? LatestVersion, IReadOnlyList<ModelAliasInfo> Aliases, DateTimeOffset CreatedAt, DateTimeOffset UpdatedAt);
