using System.Text.Json;

namespace Wharf.Client.Models;

/// <summary>One version of a model in full (<c>GET /api/v1/projects/{project}/models/{name}/versions/{version}</c>).</summary>
/// <param name="Project">The model's project.</param>
/// <param name="Model">The model's name.</param>
/// <param name="Version">The version number.</param>
/// <param name="Status">One of <see cref="ModelVersionStatuses"/>.</param>
/// <param name="StatusMessage">Why registration failed, when it did.</param>
/// <param name="Description">Its description, if any.</param>
/// <param name="Source">The source it was registered from.</param>
/// <param name="Aliases">The aliases pointing at it.</param>
/// <param name="CreatedAt">When it was registered.</param>
/// <param name="Signature">The ONNX signature (<c>{"onnx":[{"path","inputs","outputs"}]}</c>); null until READY.</param>
/// <param name="Reference">The OCI reference to pull, <c>&lt;host&gt;/&lt;project&gt;/models/&lt;name&gt;:v&lt;N&gt;</c>; null unless READY.</param>
/// <param name="Digest">The manifest's digest; null unless READY.</param>
/// <param name="Files">The files with the raw digests and sizes, and the layer (a tar) that carries each; empty unless READY.</param>
/// <param name="Lineage">The run, experiment and datasets it came from.</param>
public sealed record ModelVersionInfo(
    string Project, string Model, int Version, string Status, string? StatusMessage, string? Description, string Source,
    IReadOnlyList<string> Aliases, DateTimeOffset CreatedAt, JsonElement? Signature, string? Reference, string? Digest,
    IReadOnlyList<ModelFileInfo> Files, ModelLineage Lineage);
