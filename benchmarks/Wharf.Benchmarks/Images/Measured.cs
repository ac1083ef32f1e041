using System.Globalization;

namespace Wharf.Benchmarks.Images;

/// <summary>One timed run: wall seconds, client CPU seconds (user + system), server CPU seconds (0 when no server is involved).</summary>
internal sealed record Measured(double WallSeconds, double CpuSeconds, double ServerCpuSeconds = 0)
{
    public static Measured Median(IReadOnlyList<Measured> runs) => new(
        MedianOf(runs.Select(r => r.WallSeconds)),
        MedianOf(runs.Select(r => r.CpuSeconds)),
        MedianOf(runs.Select(r => r.ServerCpuSeconds)));

    public static string Ratio(double value, double reference)
        => reference > 0 ? (value / reference).ToString("0.00", CultureInfo.InvariantCulture) : "n/a";

    public static string Seconds(double value) => value.ToString("0.000", CultureInfo.InvariantCulture);

    private static double MedianOf(IEnumerable<double> values)
    {
        var sorted = values.Order().ToArray();
        return sorted.Length == 0 ? double.NaN
            : sorted.Length % 2 == 1 ? sorted[sorted.Length / 2]
            : (sorted[(sorted.Length / 2) - 1] + sorted[sorted.Length / 2]) / 2;
    }
}
