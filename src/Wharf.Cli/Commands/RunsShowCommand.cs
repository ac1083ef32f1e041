using System.CommandLine;
using System.Text.Json;
using Wharf.Client.Tracking;

namespace Wharf.Cli.Commands;

/// <summary><c>wharf runs show &lt;run-id&gt;</c>: a run's metadata, params, latest metrics and tags.</summary>
internal static class RunsShowCommand
{
    public static Command Create(TextWriter stdout, TextWriter stderr)
    {
        var runId = new Argument<string>("run-id") { Description = "The run's id" };
        var command = new Command("show", "Show a run: its params, latest metrics and tags") { runId };
        command.SetAction((parse, cancellationToken) => ServerCall.RunAsync(parse, stderr, async (client, format) =>
        {
            var run = await client.GetRunAsync(parse.GetValue(runId)!, cancellationToken);
            if (format == OutputFormat.Json)
            {
                await stdout.WriteLineAsync(JsonSerializer.Serialize(run, CliJson.Tracking.Run));
                return ExitCodes.Success;
            }

            await WriteAsync(stdout, run);
            return ExitCodes.Success;
        }));
        return command;
    }

    private static async Task WriteAsync(TextWriter stdout, Run run)
    {
        var info = run.Info;
        var header = new RegistryTable("RUN", info.RunId);
        header.Add("Name", TrackingText.Name(info));
        header.Add("Experiment", info.ExperimentId);
        header.Add("Status", info.Status ?? "-");
        header.Add("Started", TrackingText.Time(info.StartTime));
        header.Add("Ended", TrackingText.Time(info.EndTime));
        header.Add("Duration", TrackingText.Duration(info, TimeProvider.System));
        header.Add("Artifacts", info.ArtifactUri ?? "-");
        await header.WriteAsync(stdout);

        await stdout.WriteLineAsync();
        if (run.Data.Params.Count == 0)
        {
            await stdout.WriteLineAsync("No params.");
        }
        else
        {
            var table = new RegistryTable("PARAM", "VALUE");
            foreach (var param in run.Data.Params.OrderBy(p => p.Key, StringComparer.Ordinal))
            {
                table.Add(param.Key, param.Value);
            }

            await table.WriteAsync(stdout);
        }

        await stdout.WriteLineAsync();
        if (run.Data.Metrics.Count == 0)
        {
            await stdout.WriteLineAsync("No metrics.");
        }
        else
        {
            var table = new RegistryTable("METRIC", "LATEST", "STEP", "LOGGED").AlignRight(1, 2);
            foreach (var metric in run.Data.Metrics.OrderBy(m => m.Key, StringComparer.Ordinal))
            {
                table.Add(metric.Key, TrackingText.Value(metric.Value), RegistryText.Number(metric.Step), TrackingText.Time(metric.Timestamp));
            }

            await table.WriteAsync(stdout);
        }

        // MLflow's system tags (mlflow.user, mlflow.runName, ...) repeat the header; people want their own.
        var tags = run.Data.Tags.Where(t => !t.Key.StartsWith("mlflow.", StringComparison.Ordinal)).OrderBy(t => t.Key, StringComparer.Ordinal).ToList();
        if (tags.Count > 0)
        {
            await stdout.WriteLineAsync();
            var table = new RegistryTable("TAG", "VALUE");
            foreach (var tag in tags)
            {
                table.Add(tag.Key, tag.Value);
            }

            await table.WriteAsync(stdout);
        }
    }
}
