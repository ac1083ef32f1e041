namespace Wharf.Client.Tracking;

internal sealed record LogMetricRequest(string RunId, string Key, double Value, long? Timestamp, long Step);
