namespace Wharf.Server.Tracking;

/// <summary>A row of <c>tracking_run_tags</c>: one value per key; set-tag replaces it, delete-tag removes it.</summary>
internal sealed class RunTag
{
    public const int MaxKeyLength = 250;
    public const int MaxValueLength = 8000;

    /// <summary>
    /// The run's experiment, copied from the run (a run never moves): search reads only the experiment's slice of the
    /// value indexes instead of every experiment's.
    /// </summary>
    public long ExperimentId { get; init; }

    public required string RunUuid { get; init; }

    public required string Key { get; init; }

    public required string Value { get; set; }
}
