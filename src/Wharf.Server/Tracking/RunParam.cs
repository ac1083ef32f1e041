namespace Wharf.Server.Tracking;

/// <summary>A row of <c>tracking_params</c>: immutable once logged (MLflow refuses a different value).</summary>
internal sealed class RunParam
{
    public const int MaxKeyLength = 250;
    public const int MaxValueLength = 6000;

    /// <summary>
    /// The run's experiment, copied from the run (a run never moves): search reads only the experiment's slice of the
    /// value indexes instead of every experiment's.
    /// </summary>
    public long ExperimentId { get; init; }

    public required string RunUuid { get; init; }

    public required string Key { get; init; }

    public required string Value { get; init; }
}
