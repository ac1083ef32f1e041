namespace Wharf.Server.Tracking;

/// <summary>
/// A row of <c>tracking_experiments</c>: a named group of runs in one project. Times are epoch milliseconds, as MLflow
/// keeps them, so they go over the wire without conversion and compare the same way on every provider.
/// </summary>
internal sealed class Experiment
{
    public const int MaxNameLength = 500;

    public long Id { get; set; }

    public long ProjectId { get; init; }

    public required string Name { get; set; }

    /// <summary>Assigned by the server (<c>mlflow-artifacts:/&lt;id&gt;</c>); never taken from a request.</summary>
    public string ArtifactLocation { get; set; } = "";

    public string LifecycleStage { get; set; } = Tracking.LifecycleStage.Active;

    public long CreationTime { get; init; }

    public long LastUpdateTime { get; set; }
}
