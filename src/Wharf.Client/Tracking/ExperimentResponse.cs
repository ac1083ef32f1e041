namespace Wharf.Client.Tracking;

internal sealed record ExperimentResponse(Experiment Experiment);
