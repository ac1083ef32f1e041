namespace Wharf.Client.Models;

/// <summary>The body of <c>POST /api/v1/projects/{project}/models/{name}/versions</c>.</summary>
/// <param name="Source">
/// The run's files: <c>&lt;run_id&gt;/&lt;path&gt;</c> (or <c>runs:/&lt;run_id&gt;/&lt;path&gt;</c>), a file or a directory
/// under the run's artifact root; the whole root when only the run id is given.
/// </param>
/// <param name="Description">A description; none when null.</param>
public sealed record RegisterModelVersionRequest(string Source, string? Description = null);
