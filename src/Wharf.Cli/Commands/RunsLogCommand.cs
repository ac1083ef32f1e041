using System.CommandLine;
using System.Globalization;
using Wharf.Client.Tracking;

namespace Wharf.Cli.Commands;

/// <summary><c>wharf runs log &lt;run-id&gt; --metric k=v[@step] --param k=v --tag k=v</c>: one log-batch request.</summary>
internal static class RunsLogCommand
{
    public static Command Create(TextWriter stdout, TextWriter stderr)
    {
        var runId = new Argument<string>("run-id") { Description = "The run's id" };
        var metrics = new Option<string[]>("--metric", "-m") { Description = "A metric point, key=value or key=value@step (NaN, Infinity allowed); repeatable" };
        var parameters = new Option<string[]>("--param", "-p") { Description = "A param, key=value; repeatable. A param cannot change once logged" };
        var tags = new Option<string[]>("--tag", "-t") { Description = "A tag, key=value; repeatable" };
        var command = new Command("log", "Log metrics, params and tags to a run in one request") { runId, metrics, parameters, tags };
        command.SetAction(async (parse, cancellationToken) =>
        {
            var now = TimeProvider.System.GetUtcNow().ToUnixTimeMilliseconds();
            List<Metric> points = [];
            List<Param> paramList = [];
            List<TrackingTag> tagList = [];
            try
            {
                points.AddRange((parse.GetValue(metrics) ?? []).Select(m => ParseMetric(m, now)));
                paramList.AddRange((parse.GetValue(parameters) ?? []).Select(p => Pair(p, "--param")).Select(p => new Param(p.Key, p.Value)));
                tagList.AddRange((parse.GetValue(tags) ?? []).Select(t => Pair(t, "--tag")).Select(t => new TrackingTag(t.Key, t.Value)));
            }
            catch (FormatException ex)
            {
                await stderr.WriteLineAsync($"wharf: {ex.Message}");
                return ExitCodes.Usage;
            }

            if (points.Count + paramList.Count + tagList.Count == 0)
            {
                await stderr.WriteLineAsync("wharf: nothing to log: give --metric, --param or --tag");
                return ExitCodes.Usage;
            }

            return await ServerCall.RunAsync(parse, stderr, async (client, format) =>
            {
                var id = parse.GetValue(runId)!;
                await client.LogBatchAsync(id, points, paramList, tagList, cancellationToken);
                var summary = $"{points.Count} metric(s), {paramList.Count} param(s), {tagList.Count} tag(s)";
                if (format == OutputFormat.Json)
                {
                    await stdout.WriteLineAsync(
                        $"{{\"run_id\":{CliJson.Quote(id)},\"metrics\":{points.Count},\"params\":{paramList.Count},\"tags\":{tagList.Count}}}");
                    await stderr.WriteLineAsync($"Logged {summary} to run {id}.");
                }
                else
                {
                    await stdout.WriteLineAsync($"Logged {summary} to run {id}.");
                }

                return ExitCodes.Success;
            });
        });
        return command;
    }

    /// <summary><c>key=value</c> or <c>key=value@step</c>; the step is split at the last <c>@</c>.</summary>
    internal static Metric ParseMetric(string text, long timestamp)
    {
        var (key, value) = Pair(text, "--metric");
        long step = 0;
        var at = value.LastIndexOf('@');
        if (at >= 0)
        {
            if (!long.TryParse(value.AsSpan(at + 1), NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out step))
            {
                throw new FormatException($"--metric '{text}': the step after '@' must be an integer");
            }

            value = value[..at];
        }

        var number = value switch
        {
            "NaN" or "nan" => double.NaN,
            "Infinity" or "inf" or "+inf" => double.PositiveInfinity,
            "-Infinity" or "-inf" => double.NegativeInfinity,
            _ => double.TryParse(value, NumberStyles.Float, CultureInfo.InvariantCulture, out var d) && double.IsFinite(d)
                ? d
                : throw new FormatException($"--metric '{text}': '{value}' is not a number"),
        };
        return new Metric(key, number, timestamp, step);
    }

    private static (string Key, string Value) Pair(string text, string option)
    {
        var eq = text.IndexOf('=', StringComparison.Ordinal);
        return eq > 0 ? (text[..eq], text[(eq + 1)..]) : throw new FormatException($"{option} '{text}' must be key=value");
    }
}
