namespace Wharf.Client.Tracking;

/// <summary>experiments/delete and experiments/restore: the experiment's id.</summary>
internal sealed record ExperimentIdRequest(string ExperimentId);
