namespace Wharf.Client.Tracking;

/// <summary>An MLflow experiment: a named group of runs in one project.</summary>
public sealed record Experiment
{
    /// <summary>The experiment's id (MLflow ids are strings on the wire).</summary>
    public required string ExperimentId { get; init; }

    /// <summary>The experiment's name, unique in its project.</summary>
    public required string Name { get; init; }

    /// <summary>Where the runs' artifacts go, assigned by the server (<c>mlflow-artifacts:/&lt;id&gt;</c>).</summary>
    public string? ArtifactLocation { get; init; }

    /// <summary><c>active</c> or <c>deleted</c>.</summary>
    public string? LifecycleStage { get; init; }

    /// <summary>Last change, in milliseconds since the Unix epoch.</summary>
    public long? LastUpdateTime { get; init; }

    /// <summary>Creation time, in milliseconds since the Unix epoch.</summary>
    public long? CreationTime { get; init; }

    /// <summary>The experiment's tags; empty when it has none.</summary>
    public IReadOnlyList<TrackingTag> Tags { get => field ?? []; init; }
}
