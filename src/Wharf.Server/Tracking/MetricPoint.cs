namespace Wharf.Server.Tracking;

/// <summary>A metric point as a request carries it.</summary>
internal readonly record struct MetricPoint(string Key, double Value, long Timestamp, long Step);
