namespace Wharf.Client.Tracking;

internal sealed record LogBatchRequest(string RunId, IReadOnlyList<Metric> Metrics, IReadOnlyList<Param> Params, IReadOnlyList<TrackingTag> Tags);
