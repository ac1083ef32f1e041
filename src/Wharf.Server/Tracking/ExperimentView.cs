namespace Wharf.Server.Tracking;

/// <summary>An experiment with its tags, as MLflow returns it.</summary>
internal sealed record ExperimentView(Experiment Experiment, IReadOnlyList<ExperimentTag> Tags);
