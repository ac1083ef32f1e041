namespace Wharf.Server.Tracking;

/// <summary>
/// A row of <c>tracking_runs</c>, keyed by MLflow's 32-hex run id. Status only moves forward
/// (<see cref="RunStatus.CanMove"/>); lifecycle stage is the soft delete that search's view type selects on.
/// </summary>
internal sealed class Run
{
    public const int MaxNameLength = 250;

    public required string RunUuid { get; init; }

    public long ExperimentId { get; init; }

    public string Name { get; set; } = "";

    public string Status { get; set; } = RunStatus.Running;

    public long StartTime { get; init; }

    public long? EndTime { get; set; }

    public string LifecycleStage { get; set; } = Tracking.LifecycleStage.Active;

    public string UserId { get; init; } = "";

    public required string ArtifactUri { get; init; }

    /// <summary>When the run was deleted (epoch ms), for a later purge; null while active.</summary>
    public long? DeletedTime { get; set; }
}
