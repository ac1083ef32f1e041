namespace Wharf.Server.Tracking;

/// <summary>A run with its data as MLflow returns it: params, tags and the latest value of each metric.</summary>
internal sealed record RunView(Run Run, IReadOnlyList<RunParam> Params, IReadOnlyList<RunTag> Tags, IReadOnlyList<LatestMetric> Metrics)
{
    /// <summary>The run's dataset inputs; filled by runs/get (search leaves them out).</summary>
    public IReadOnlyList<DatasetInputView> Inputs { get; init; } = [];
}
