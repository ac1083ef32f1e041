using Prometheus;

namespace Wharf.Serving.Metrics;

/// <summary>
/// wharf-serve's Prometheus series, <c>wharf_serving_*</c>, labelled by model and version. They live in the app's
/// own registry rather than prometheus-net's static one, so several servers in one process (tests) never mix counts.
/// </summary>
internal sealed class ServingMetrics
{
    private static readonly string[] Labels = ["model", "version"];

    private readonly Counter requests;
    private readonly Counter failures;
    private readonly Histogram queueSeconds;
    private readonly Histogram computeSeconds;
    private readonly Histogram durationSeconds;
    private readonly Histogram batchSize;
    private readonly Gauge inFlight;

    public ServingMetrics()
    {
        Registry = Prometheus.Metrics.NewCustomRegistry();
        var factory = Prometheus.Metrics.WithCustomRegistry(Registry);
        var latencyBuckets = Histogram.ExponentialBuckets(0.00005, 2, 18); // 50 µs .. ~6.5 s
        requests = factory.CreateCounter(
            "wharf_serving_requests_total", "Infer requests received.", new CounterConfiguration { LabelNames = Labels });
        failures = factory.CreateCounter(
            "wharf_serving_request_failures_total", "Infer requests that did not return outputs (4xx, 503, errors).",
            new CounterConfiguration { LabelNames = Labels });
        queueSeconds = factory.CreateHistogram(
            "wharf_serving_queue_seconds", "Time a request waited in the scheduler before its run started.",
            new HistogramConfiguration { LabelNames = Labels, Buckets = latencyBuckets });
        computeSeconds = factory.CreateHistogram(
            "wharf_serving_compute_seconds", "Time of the runtime run that served a request, batching included.",
            new HistogramConfiguration { LabelNames = Labels, Buckets = latencyBuckets });
        durationSeconds = factory.CreateHistogram(
            "wharf_serving_request_duration_seconds", "Infer request time from the first body byte to the response written.",
            new HistogramConfiguration { LabelNames = Labels, Buckets = latencyBuckets });
        batchSize = factory.CreateHistogram(
            "wharf_serving_batch_size", "Items (rows) per runtime run.",
            new HistogramConfiguration { LabelNames = Labels, Buckets = Histogram.PowersOfTenDividedBuckets(0, 3, 10) });
        inFlight = factory.CreateGauge(
            "wharf_serving_inflight_requests", "Infer requests being parsed, queued, run or written.",
            new GaugeConfiguration { LabelNames = Labels });
    }

    public CollectorRegistry Registry { get; }

    public ModelVersionMetrics For(string model, string version) => new(
        requests.WithLabels(model, version),
        failures.WithLabels(model, version),
        queueSeconds.WithLabels(model, version),
        computeSeconds.WithLabels(model, version),
        durationSeconds.WithLabels(model, version),
        batchSize.WithLabels(model, version),
        inFlight.WithLabels(model, version));
}
