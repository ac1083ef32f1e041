namespace Wharf.Client.Tracking;

internal sealed record CreateExperimentRequest(string Name, IReadOnlyList<TrackingTag>? Tags);
