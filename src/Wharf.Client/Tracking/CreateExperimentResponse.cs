namespace Wharf.Client.Tracking;

internal sealed record CreateExperimentResponse(string ExperimentId);
