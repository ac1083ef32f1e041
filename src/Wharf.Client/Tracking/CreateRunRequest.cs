namespace Wharf.Client.Tracking;

internal sealed record CreateRunRequest(string ExperimentId, string? RunName, long? StartTime, IReadOnlyList<TrackingTag>? Tags);
