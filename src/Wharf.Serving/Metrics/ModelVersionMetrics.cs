using Prometheus;
using Wharf.Serving.Inference;

namespace Wharf.Serving.Metrics;

/// <summary>One model version's series, resolved once at load so the hot path does no label lookups.</summary>
internal sealed class ModelVersionMetrics(
    Counter.Child requests,
    Counter.Child failures,
    Histogram.Child queueSeconds,
    Histogram.Child computeSeconds,
    Histogram.Child durationSeconds,
    Histogram.Child batchSize,
    Gauge.Child inFlight)
{
    public void RequestStarted()
    {
        requests.Inc();
        inFlight.Inc();
    }

    public void RequestFinished(TimeSpan duration, bool failed)
    {
        inFlight.Dec();
        durationSeconds.Observe(duration.TotalSeconds);
        if (failed)
        {
            failures.Inc();
        }
    }

    public void Served(InferenceResult result)
    {
        queueSeconds.Observe(result.QueueTime.TotalSeconds);
        computeSeconds.Observe(result.ComputeTime.TotalSeconds);
    }

    public void BatchExecuted(int items) => batchSize.Observe(items);
}
