using System.Globalization;

namespace Wharf.Benchmarks.Serving;

/// <summary>
/// wharf-serve's batch-size histogram scraped from /metrics (Prometheus text format), summed over its label sets:
/// only the model under load moves during a run, so the difference of two scrapes is that run's batches.
/// </summary>
internal sealed record BatchSizeHistogram(double Sum, double Count, SortedDictionary<double, double> CumulativeBuckets)
{
    /// <summary>The metric's name, as wharf-serve's HTTP layer registers it (src/Wharf.Serving/Metrics).</summary>
    public const string MetricName = "wharf_serving_batch_size";

    public double MeanBatchSize => Count == 0 ? double.NaN : Sum / Count;

    public static async Task<BatchSizeHistogram> ScrapeAsync(HttpClient client)
    {
        var text = await client.GetStringAsync("/metrics");
        double sum = 0, count = 0;
        var buckets = new SortedDictionary<double, double>();
        foreach (var line in text.Split('\n'))
        {
            if (!line.StartsWith(MetricName + "_", StringComparison.Ordinal))
            {
                continue;
            }

            var value = double.Parse(line[(line.LastIndexOf(' ') + 1)..], CultureInfo.InvariantCulture);
            var series = line[MetricName.Length..];
            if (series.StartsWith("_sum", StringComparison.Ordinal))
            {
                sum += value;
            }
            else if (series.StartsWith("_count", StringComparison.Ordinal))
            {
                count += value;
            }
            else if (series.StartsWith("_bucket", StringComparison.Ordinal))
            {
                var le = series[(series.IndexOf("le=\"", StringComparison.Ordinal) + 4)..];
                le = le[..le.IndexOf('"', StringComparison.Ordinal)];
                var bound = le == "+Inf" ? double.PositiveInfinity : double.Parse(le, CultureInfo.InvariantCulture);
                buckets[bound] = buckets.GetValueOrDefault(bound) + value;
            }
        }

        return new BatchSizeHistogram(sum, count, buckets);
    }

    public BatchSizeHistogram Minus(BatchSizeHistogram before) => new(
        Sum - before.Sum,
        Count - before.Count,
        new SortedDictionary<double, double>(CumulativeBuckets.ToDictionary(b => b.Key, b => b.Value - before.CumulativeBuckets.GetValueOrDefault(b.Key))));

    /// <summary>Batches per bucket (not cumulative), e.g. "≤1: 120, ≤2: 40, ≤4: 3000".</summary>
    public string Describe()
    {
        var parts = new List<string>();
        var previous = 0.0;
        foreach (var (bound, cumulative) in CumulativeBuckets)
        {
            var inBucket = cumulative - previous;
            previous = cumulative;
            if (inBucket > 0)
            {
                parts.Add(string.Create(CultureInfo.InvariantCulture, $"<={(double.IsPositiveInfinity(bound) ? "inf" : bound.ToString("G", CultureInfo.InvariantCulture))}: {inBucket:N0}"));
            }
        }

        return parts.Count == 0 ? "no batches recorded" : string.Join(", ", parts);
    }
}
