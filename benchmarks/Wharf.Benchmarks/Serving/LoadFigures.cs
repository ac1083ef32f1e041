namespace Wharf.Benchmarks.Serving;

/// <summary>The median of each figure over the repeats of one closed-loop workload.</summary>
internal sealed record LoadFigures(
    double RequestsPerSecond, double ItemsPerSecond, double P50, double P95, double P99, int Errors, string? FirstError, double ServerCpuMicrosecondsPerRequest)
{
    public static LoadFigures Median(IReadOnlyList<(LoadResult Result, double ServerCpuSeconds)> runs)
    {
        static double Median(IEnumerable<double> values)
        {
            var sorted = values.Order().ToList();
            return sorted[sorted.Count / 2];
        }

        return new LoadFigures(
            Median(runs.Select(r => r.Result.RequestsPerSecond)),
            Median(runs.Select(r => r.Result.ItemsPerSecond)),
            Median(runs.Select(r => r.Result.P50)),
            Median(runs.Select(r => r.Result.P95)),
            Median(runs.Select(r => r.Result.P99)),
            runs.Sum(r => r.Result.Errors),
            runs.Select(r => r.Result.FirstError).FirstOrDefault(e => e is not null),
            Median(runs.Select(r => r.Result.Latencies.Length == 0 ? double.NaN : r.ServerCpuSeconds * 1e6 / (r.Result.RequestsPerSecond * r.Result.Seconds))));
    }
}
