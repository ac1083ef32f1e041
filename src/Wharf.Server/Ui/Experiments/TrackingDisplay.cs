using System.Globalization;

namespace Wharf.Server.Ui.Experiments;

/// <summary>How the tracking pages word times, durations and metric values.</summary>
internal static class TrackingDisplay
{
    public const int DefaultPageSize = 50;

    public const int MaxPageSize = 500;

    /// <summary>Seconds in UTC, from MLflow's epoch milliseconds.</summary>
    public static string Time(long epochMilliseconds) =>
        DateTimeOffset.FromUnixTimeMilliseconds(epochMilliseconds).UtcDateTime.ToString("yyyy-MM-dd HH:mm:ss 'UTC'", CultureInfo.InvariantCulture);

    public static string IsoTime(long epochMilliseconds) =>
        DateTimeOffset.FromUnixTimeMilliseconds(epochMilliseconds).UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss.fff'Z'", CultureInfo.InvariantCulture);

    public static string Duration(long startTime, long? endTime)
    {
        if (endTime is not { } end || end < startTime)
        {
            return "—";
        }

        var span = TimeSpan.FromMilliseconds(end - startTime);
        return span.TotalHours >= 1 ? string.Create(CultureInfo.InvariantCulture, $"{(int)span.TotalHours}h {span.Minutes}m")
            : span.TotalMinutes >= 1 ? string.Create(CultureInfo.InvariantCulture, $"{span.Minutes}m {span.Seconds}s")
            : string.Create(CultureInfo.InvariantCulture, $"{span.TotalSeconds:0.#}s");
    }

    /// <summary>A metric value in at most 6 significant digits; NaN and infinities as MLflow writes them.</summary>
    public static string Value(double value, bool isNan = false) =>
        isNan || double.IsNaN(value) ? "NaN"
        : double.IsPositiveInfinity(value) ? "Infinity"
        : double.IsNegativeInfinity(value) ? "-Infinity"
        : value.ToString("G6", CultureInfo.InvariantCulture);

    public static int PageSize(string? value) =>
        int.TryParse(value, NumberStyles.None, CultureInfo.InvariantCulture, out var n) ? Math.Clamp(n, 1, MaxPageSize) : DefaultPageSize;

    /// <summary>The CSS class of a run status badge.</summary>
    public static string StatusClass(string status) => status switch
    {
        "FINISHED" => "badge status-finished",
        "FAILED" or "KILLED" => "badge status-failed",
        "RUNNING" => "badge status-running",
        _ => "badge badge-muted",
    };
}
