namespace Wharf.Client.Tracking;

/// <summary>An MLflow run: its metadata and what it logged.</summary>
public sealed record Run
{
    /// <summary>The run's metadata.</summary>
    public required RunInfo Info { get; init; }

    /// <summary>The run's latest metrics, params and tags.</summary>
    public RunData Data { get => field ?? new RunData(); init; }
}
