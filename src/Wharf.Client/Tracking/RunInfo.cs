namespace Wharf.Client.Tracking;

/// <summary>A run's metadata (MLflow's <c>RunInfo</c>).</summary>
public sealed record RunInfo
{
    /// <summary>The run's id.</summary>
    public required string RunId { get; init; }

    /// <summary>The run's display name.</summary>
    public string? RunName { get; init; }

    /// <summary>The experiment the run belongs to.</summary>
    public required string ExperimentId { get; init; }

    /// <summary>Who started the run.</summary>
    public string? UserId { get; init; }

    /// <summary>One of <see cref="RunStatuses"/>.</summary>
    public string? Status { get; init; }

    /// <summary>Start, in milliseconds since the Unix epoch.</summary>
    public long? StartTime { get; init; }

    /// <summary>End, in milliseconds since the Unix epoch; null while the run has not ended.</summary>
    public long? EndTime { get; init; }

    /// <summary>The root of the run's artifacts, assigned by the server (<c>mlflow-artifacts:/&lt;experiment&gt;/&lt;run&gt;/artifacts</c>).</summary>
    public string? ArtifactUri { get; init; }

    /// <summary><c>active</c> or <c>deleted</c>.</summary>
    public string? LifecycleStage { get; init; }
}
