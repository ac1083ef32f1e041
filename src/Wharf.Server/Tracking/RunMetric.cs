namespace Wharf.Server.Tracking;

/// <summary>
/// A row of <c>tracking_metrics</c>: one point of a metric's full history. The surrogate id orders points logged with
/// the same step and timestamp and makes the history's keyset (step, timestamp, id) unique. NaN is stored as 0 with
/// <see cref="IsNan"/> set, as MLflow does: SQLite turns a NaN REAL into NULL.
/// </summary>
internal sealed class RunMetric
{
    public const int MaxKeyLength = 250;

    public long Id { get; set; }

    public required string RunUuid { get; init; }

    public required string Key { get; init; }

    public double Value { get; init; }

    public bool IsNan { get; init; }

    public long Timestamp { get; init; }

    public long Step { get; init; }
}
