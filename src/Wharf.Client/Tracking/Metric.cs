namespace Wharf.Client.Tracking;

/// <summary>
/// One point of a metric. <see cref="Value"/> may be NaN or ±Infinity: MLflow carries those as the strings
/// <c>"NaN"</c>, <c>"Infinity"</c> and <c>"-Infinity"</c>, which the SDK reads and writes.
/// </summary>
/// <param name="Key">The metric's name.</param>
/// <param name="Value">The value.</param>
/// <param name="Timestamp">When it was measured, in milliseconds since the Unix epoch.</param>
/// <param name="Step">The training step it belongs to.</param>
public sealed record Metric(string Key, double Value, long Timestamp, long Step = 0);
