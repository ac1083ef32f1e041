namespace Wharf.Client.Models;

/// <summary>A registered model with its versions and aliases (<c>GET /api/v1/projects/{project}/models/{name}</c>).</summary>
/// <param name="Project">The project it belongs to.</param>
/// <param name="Name">The model's name.</param>
/// <param name="Description">Its description, if any.</param>
/// <param name="Repository">The registry repository of its versions, <c>&lt;project&gt;/models/&lt;name&gt;</c>.</param>
/// <param name="Aliases">Its aliases, in name order.</param>
/// <param name="Versions">Its versions, newest first.</param>
/// <param name="CreatedAt">When it was created.</param>
/// <param name="UpdatedAt">When it last changed.</param>
public sealed record ModelInfo(
    string Project, string Name, string? Description, string Repository, IReadOnlyList<ModelAliasInfo> Aliases,
    IReadOnlyList<ModelVersionSummary> Versions, DateTimeOffset CreatedAt, DateTimeOffset UpdatedAt);
