using System.CommandLine;
using System.Text.Json;
using Wharf.Client;
using Wharf.Client.Tracking;

namespace Wharf.Cli.Commands;

/// <summary>
/// <c>wharf runs create|end|rm|restore</c>: start a run, end it with a final status, delete it (MLflow's soft delete:
/// restorable, listed with <c>--all</c>) and restore it.
/// </summary>
internal static class RunsLifecycleCommand
{
    private static readonly string[] EndStatuses = [RunStatuses.Finished, RunStatuses.Failed, RunStatuses.Killed];

    public static Command CreateCreate(TextWriter stdout, TextWriter stderr)
    {
        var experiment = RunsCommand.ExperimentOption();
        var name = new Option<string?>("--name") { Description = "The run's name (default: one the server makes up)" };
        var command = new Command("create", "Start a run in an experiment; prints its id") { experiment, name };
        command.SetAction((parse, cancellationToken) => ServerCall.RunAsync(parse, stderr, async (client, format) =>
        {
            var experimentId = await TrackingText.ExperimentIdAsync(client, parse.GetValue(experiment)!, cancellationToken);
            var run = await client.CreateRunAsync(experimentId, parse.GetValue(name), cancellationToken: cancellationToken);
            if (format == OutputFormat.Json)
            {
                await stdout.WriteLineAsync(JsonSerializer.Serialize(run, CliJson.Tracking.Run));
            }
            else
            {
                // The id alone on the first line, so RUN=$(wharf runs create ... | head -1) works.
                await stdout.WriteLineAsync(run.Info.RunId);
                await stderr.WriteLineAsync($"Started run {TrackingText.Name(run.Info)} in experiment {experimentId}.");
            }

            return ExitCodes.Success;
        }));
        return command;
    }

    public static Command CreateEnd(TextWriter stdout, TextWriter stderr)
    {
        var runId = new Argument<string>("run-id") { Description = "The run's id" };
        var status = new Option<string>("--status")
        {
            Description = "The final status: FINISHED (default), FAILED or KILLED",
            DefaultValueFactory = _ => RunStatuses.Finished,
            Validators =
            {
                result =>
                {
                    if (!EndStatuses.Contains(result.GetValueOrDefault<string>()?.ToUpperInvariant()))
                    {
                        result.AddError("--status must be FINISHED, FAILED or KILLED");
                    }
                },
            },
        };
        var command = new Command("end", "End a run with a final status") { runId, status };
        command.SetAction((parse, cancellationToken) => ServerCall.RunAsync(parse, stderr, async (client, format) =>
        {
            var end = TimeProvider.System.GetUtcNow().ToUnixTimeMilliseconds();
            var info = await client.UpdateRunAsync(parse.GetValue(runId)!, parse.GetValue(status)!.ToUpperInvariant(), end, cancellationToken: cancellationToken);
            if (format == OutputFormat.Json)
            {
                await stdout.WriteLineAsync(JsonSerializer.Serialize(info, CliJson.Tracking.RunInfo));
            }
            else
            {
                await stdout.WriteLineAsync($"Run {info.RunId} is {info.Status}.");
            }

            return ExitCodes.Success;
        }));
        return command;
    }

    public static Command CreateRemove(TextWriter stdout, TextWriter stderr) =>
        StageCommand("rm", "Delete runs (restorable with 'wharf runs restore')", "Deleted", static (client, id, ct) => client.DeleteRunAsync(id, ct), stdout, stderr);

    public static Command CreateRestore(TextWriter stdout, TextWriter stderr) =>
        StageCommand("restore", "Restore deleted runs", "Restored", static (client, id, ct) => client.RestoreRunAsync(id, ct), stdout, stderr);

    /// <summary>
    /// A verb over one or more runs, applied in order; the first refusal stops it (the runs before it stay changed,
    /// as the lines already printed say).
    /// </summary>
    private static Command StageCommand(
        string name, string description, string verb, Func<WharfClient, string, CancellationToken, Task> apply, TextWriter stdout, TextWriter stderr)
    {
        var runIds = new Argument<string[]>("run-id") { Description = "The runs' ids", Arity = ArgumentArity.OneOrMore };
        var command = new Command(name, description) { runIds };
        command.SetAction((parse, cancellationToken) => ServerCall.RunAsync(parse, stderr, async (client, format) =>
        {
            var runs = new List<Run>();
            foreach (var id in parse.GetValue(runIds)!)
            {
                await apply(client, id, cancellationToken);
                var run = await client.GetRunAsync(id, cancellationToken);
                runs.Add(run);
                if (format != OutputFormat.Json)
                {
                    await stdout.WriteLineAsync($"{verb} run {run.Info.RunId} ({TrackingText.Name(run.Info)}).");
                }
            }

            if (format == OutputFormat.Json)
            {
                await stdout.WriteLineAsync(JsonSerializer.Serialize<IReadOnlyList<Run>>(runs, CliJson.Tracking.IReadOnlyListRun));
            }

            return ExitCodes.Success;
        }));
        return command;
    }
}
