using System.Globalization;

namespace Wharf.Oci.Building;

/// <summary>
/// The one timestamp a reproducible build uses for every file mtime, history entry and the config's <c>created</c>:
/// a fixed time when given, else the <c>SOURCE_DATE_EPOCH</c> environment variable (reproducible-builds.org),
/// else the Unix epoch (1970-01-01T00:00:00Z). Always whole seconds, UTC.
/// </summary>
public static class SourceDateEpoch
{
    /// <summary>The latest time a tar header's 11 octal digits hold: 8^11 - 1 seconds (year 2242).</summary>
    private const long MaxSeconds = 8_589_934_591;

    /// <summary>The environment variable read: <c>SOURCE_DATE_EPOCH</c>, decimal seconds since the Unix epoch.</summary>
    public const string VariableName = "SOURCE_DATE_EPOCH";

    /// <summary>Resolves the build timestamp.</summary>
    /// <param name="fixedTime">A fixed time that wins over the environment; truncated to whole seconds.</param>
    /// <exception cref="ImageBuildException"><c>SOURCE_DATE_EPOCH</c> is set but not a non-negative integer, or the time is outside what a tar header holds (1970 to 2242).</exception>
    public static DateTimeOffset Resolve(DateTimeOffset? fixedTime = null)
    {
        if (fixedTime is { } time)
        {
            var seconds = time.ToUnixTimeSeconds();
            return seconds is >= 0 and <= MaxSeconds
                ? DateTimeOffset.FromUnixTimeSeconds(seconds)
                : throw new ImageBuildException($"build time {time:O} is outside 1970-01-01 to 2242-03-16, which tar headers cannot hold");
        }

        var text = Environment.GetEnvironmentVariable(VariableName);
        if (string.IsNullOrEmpty(text))
        {
            return DateTimeOffset.UnixEpoch;
        }

        return long.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var epoch) && epoch <= MaxSeconds
            ? DateTimeOffset.FromUnixTimeSeconds(epoch)
            : throw new ImageBuildException($"{VariableName}='{text}' is not a number of seconds since 1970-01-01");
    }
}
