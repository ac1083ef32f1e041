namespace Wharf.Server.Tracking;

/// <summary>
/// A row of <c>tracking_latest_metrics</c>: the point of each (run, key) with the largest step, then the largest
/// timestamp, kept up to date by an upsert on every insert. Search filters and orders on this table, never on the full
/// history.
/// </summary>
internal sealed class LatestMetric
{
    /// <summary>
    /// The run's experiment, copied from the run (a run never moves): search reads only the experiment's slice of the
    /// value indexes instead of every experiment's.
    /// </summary>
    public long ExperimentId { get; init; }

    public required string RunUuid { get; init; }

    public required string Key { get; init; }

    public double Value { get; set; }

    public bool IsNan { get; set; }

    public long Timestamp { get; set; }

    public long Step { get; set; }
}
