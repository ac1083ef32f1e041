namespace Wharf.Client.Tracking;

/// <summary>experiments/update: the experiment's id and its new name.</summary>
internal sealed record UpdateExperimentRequest(string ExperimentId, string NewName);
