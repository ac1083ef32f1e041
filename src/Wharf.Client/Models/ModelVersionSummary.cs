namespace Wharf.Client.Models;

/// <summary>One version of a model as <see cref="ModelInfo"/> lists it.</summary>
/// <param name="Version">The version number.</param>
/// <param name="Status">One of <see cref="ModelVersionStatuses"/>.</param>
/// <param name="StatusMessage">Why registration failed, when it did.</param>
/// <param name="RunId">The run whose files it holds.</param>
/// <param name="Source">The source it was registered from (<c>runs:/&lt;run_id&gt;/&lt;path&gt;</c>).</param>
/// <param name="Aliases">The aliases pointing at it.</param>
/// <param name="CreatedAt">When it was registered.</param>
public sealed record ModelVersionSummary(
    int Version, string Status, string? StatusMessage, string RunId, string Source, IReadOnlyList<string> Aliases, DateTimeOffset CreatedAt);
