namespace Wharf.Client.Models;

/// <summary>Where a version came from: its run, the run's experiment, and the datasets the run logged as inputs.</summary>
/// <param name="RunId">The source run's id.</param>
/// <param name="RunName">The run's name; null when the run no longer exists.</param>
/// <param name="ExperimentId">The run's experiment; null when the run no longer exists.</param>
/// <param name="ExperimentName">The experiment's name; null when the run no longer exists.</param>
/// <param name="Datasets">The run's dataset inputs.</param>
public sealed record ModelLineage(string RunId, string? RunName, string? ExperimentId, string? ExperimentName, IReadOnlyList<ModelDatasetInfo> Datasets);
