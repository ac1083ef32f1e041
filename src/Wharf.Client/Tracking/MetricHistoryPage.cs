namespace Wharf.Client.Tracking;

/// <summary>A page of <see cref="WharfClient.GetMetricHistoryAsync"/>.</summary>
public sealed record MetricHistoryPage
{
    /// <summary>The points on this page, by step and timestamp.</summary>
    public IReadOnlyList<Metric> Metrics { get => field ?? []; init; }

    /// <summary>The token for the next page; null on the last page.</summary>
    public string? NextPageToken { get; init; }
}
