using System.Globalization;
using Wharf.Client;
using Wharf.Client.Tracking;

namespace Wharf.Cli.Commands;

/// <summary>How the tracking verbs find experiments and word times, values and runs in text output.</summary>
internal static class TrackingText
{
    /// <summary>
    /// The id of the experiment named by <paramref name="nameOrId"/>: digits are an id, as MLflow's ids are; anything
    /// else is looked up by name (<c>&lt;project&gt;/&lt;name&gt;</c> when several projects hold the name).
    /// </summary>
    public static async Task<string> ExperimentIdAsync(WharfClient client, string nameOrId, CancellationToken cancellationToken)
    {
        if (nameOrId.Length > 0 && nameOrId.All(char.IsAsciiDigit))
        {
            return nameOrId;
        }

        return (await client.GetExperimentByNameAsync(nameOrId, cancellationToken)).ExperimentId;
    }

    public static string Time(long? epochMilliseconds)
        => epochMilliseconds is { } ms ? RegistryText.Time(DateTimeOffset.FromUnixTimeMilliseconds(ms)) : "-";

    /// <summary>How long a run took, or has been running when it has not ended.</summary>
    public static string Duration(RunInfo info, TimeProvider time)
    {
        if (info.StartTime is not { } start)
        {
            return "-";
        }

        var end = info.EndTime ?? time.GetUtcNow().ToUnixTimeMilliseconds();
        var span = TimeSpan.FromMilliseconds(Math.Max(0, end - start));
        return span.TotalHours >= 1 ? $"{(int)span.TotalHours}h{span.Minutes:D2}m"
            : span.TotalMinutes >= 1 ? $"{span.Minutes}m{span.Seconds:D2}s"
            : string.Create(CultureInfo.InvariantCulture, $"{span.TotalSeconds:0.0}s");
    }

    /// <summary>A metric value as MLflow prints it: shortest round-trip form, NaN and ±Infinity by name.</summary>
    public static string Value(double value) => value switch
    {
        double.NaN => "NaN",
        double.PositiveInfinity => "Infinity",
        double.NegativeInfinity => "-Infinity",
        _ => value.ToString("R", CultureInfo.InvariantCulture),
    };

    public static string Name(RunInfo info) => string.IsNullOrEmpty(info.RunName) ? "-" : info.RunName;
}
