namespace Wharf.Client.Tracking;

/// <summary>What a run logged: the latest value of each metric, its params and its tags.</summary>
public sealed record RunData
{
    /// <summary>The latest point of each metric (<see cref="WharfClient.GetMetricHistoryAsync"/> has them all).</summary>
    public IReadOnlyList<Metric> Metrics { get; init; } = [];

    /// <summary>The run's params.</summary>
    public IReadOnlyList<Param> Params { get; init; } = [];

    /// <summary>The run's tags, including MLflow's <c>mlflow.*</c> system tags.</summary>
    public IReadOnlyList<TrackingTag> Tags { get; init; } = [];
}
