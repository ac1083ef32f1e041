using System.Diagnostics;
using System.Globalization;
using System.Text.RegularExpressions;

namespace Wharf.Benchmarks.Images;

/// <summary>
/// Runs a shell script of external tools (umoci, skopeo) and measures it: wall time here, CPU time as bash's
/// <c>times</c> reports it for the script's children (user + system of every process it waited for), so a tool that
/// forks helpers is charged for them. The child inherits this process's CPU affinity (run.sh pins it with taskset).
/// </summary>
internal static partial class ToolRun
{
    public static async Task<Measured> RunAsync(string script, Func<double>? serverCpu = null)
    {
        var info = new ProcessStartInfo("bash")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        info.ArgumentList.Add("-c");
        // times' second line is the children's user and system time, e.g. "0m1.234s 0m0.456s".
        info.ArgumentList.Add($"set -euo pipefail\n{script}\ntimes >&2");
        var serverBefore = serverCpu?.Invoke() ?? 0;
        var watch = Stopwatch.StartNew();
        using var process = Process.Start(info) ?? throw new InvalidOperationException("bash did not start");
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        await process.WaitForExitAsync();
        var wall = watch.Elapsed.TotalSeconds;
        var serverAfter = serverCpu?.Invoke() ?? 0;
        var errors = await stderr;
        if (process.ExitCode != 0)
        {
            throw new InvalidOperationException($"script failed ({process.ExitCode}):\n{script}\n{await stdout}\n{errors}");
        }

        var times = TimesLine().Matches(errors);
        if (times.Count < 2)
        {
            throw new InvalidOperationException($"no `times` output from the script:\n{errors}");
        }

        var children = times[^1];
        return new Measured(wall, Seconds(children.Groups[1], children.Groups[2]) + Seconds(children.Groups[3], children.Groups[4]), serverAfter - serverBefore);
    }

    /// <summary>Quotes a value for bash.</summary>
    public static string Quote(string value) => $"'{value.Replace("'", "'\\''", StringComparison.Ordinal)}'";

    private static double Seconds(Group minutes, Group seconds)
        => (double.Parse(minutes.Value, CultureInfo.InvariantCulture) * 60) + double.Parse(seconds.Value, CultureInfo.InvariantCulture);

    [GeneratedRegex(@"^(\d+)m([\d.]+)s (\d+)m([\d.]+)s$", RegexOptions.Multiline)]
    private static partial Regex TimesLine();
}
