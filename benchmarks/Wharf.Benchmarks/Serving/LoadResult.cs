using System.Diagnostics;

namespace Wharf.Benchmarks.Serving;

/// <summary>What one closed-loop run measured: every successful request's latency, in Stopwatch ticks, sorted.</summary>
internal sealed record LoadResult(long[] Latencies, int Errors, string? FirstError, double Seconds, int ItemsPerRequest)
{
    public double RequestsPerSecond => Latencies.Length / Seconds;

    public double ItemsPerSecond => RequestsPerSecond * ItemsPerRequest;

    public double P50 => Percentile(0.50);

    public double P95 => Percentile(0.95);

    public double P99 => Percentile(0.99);

    /// <summary>The latency at a quantile, in microseconds (nearest rank).</summary>
    public double Percentile(double quantile) =>
        Latencies.Length == 0
            ? double.NaN
            : Latencies[Math.Clamp((int)Math.Ceiling(quantile * Latencies.Length) - 1, 0, Latencies.Length - 1)] * 1e6 / Stopwatch.Frequency;
}
