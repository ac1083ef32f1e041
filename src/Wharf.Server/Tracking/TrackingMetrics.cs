using Prometheus;

namespace Wharf.Server.Tracking;

/// <summary>Tracking metrics, <c>wharf_tracking_*</c>.</summary>
internal static class TrackingMetrics
{
    private static readonly Counter Points = Metrics.CreateCounter(
        "wharf_tracking_metric_points_total", "Metric points logged.");

    private static readonly Counter RunsCreated = Metrics.CreateCounter(
        "wharf_tracking_runs_created_total", "Runs created.");

    private static readonly Histogram SearchSeconds = Metrics.CreateHistogram(
        "wharf_tracking_search_duration_seconds", "Time to answer runs/search.",
        new HistogramConfiguration { Buckets = Histogram.ExponentialBuckets(0.001, 2, 14) });

    public static void MetricPointsLogged(int count) => Points.Inc(count);

    public static void RunCreated() => RunsCreated.Inc();

    public static void Searched(TimeSpan elapsed) => SearchSeconds.Observe(elapsed.TotalSeconds);
}
