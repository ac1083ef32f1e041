namespace Wharf.Client.Tracking;

/// <summary>What a run logged: the latest value of each metric, its params and its tags.</summary>
/// <remarks>
/// MLflow omits empty repeated fields, and source-generated JSON assigns every init-only property (null when the
/// field is missing), which would skip an initializer; so the lists here and in the other tracking records read as
/// empty through <c>field ?? []</c> instead.
/// </remarks>
public sealed record RunData
{
    /// <summary>The latest point of each metric (<see cref="WharfClient.GetMetricHistoryAsync"/> has them all).</summary>
    public IReadOnlyList<Metric> Metrics { get => field ?? []; init; }

    /// <summary>The run's params.</summary>
    public IReadOnlyList<Param> Params { get => field ?? []; init; }

    /// <summary>The run's tags, including MLflow's <c>mlflow.*</c> system tags.</summary>
    public IReadOnlyList<TrackingTag> Tags { get => field ?? []; init; }
}
