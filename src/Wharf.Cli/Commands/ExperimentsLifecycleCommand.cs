using System.CommandLine;
using System.Text.Json;
using Wharf.Client;

namespace Wharf.Cli.Commands;

/// <summary>
/// <c>wharf experiments rm|restore|rename</c>: MLflow's soft delete (the experiment and its runs stay restorable and
/// are listed by <c>wharf experiments ls --all</c>), restore, and rename.
/// </summary>
internal static class ExperimentsLifecycleCommand
{
    public static Command CreateRemove(TextWriter stdout, TextWriter stderr)
    {
        var experiment = ExperimentArgument();
        var command = new Command("rm", "Delete an experiment and its runs (restorable with 'wharf experiments restore')") { experiment };
        command.SetAction((parse, cancellationToken) => ServerCall.RunAsync(parse, stderr, async (client, format) =>
        {
            var id = await TrackingText.ExperimentIdAsync(client, parse.GetValue(experiment)!, cancellationToken);
            await client.DeleteExperimentAsync(id, cancellationToken);
            return await WriteAsync(client, stdout, format, id, "Deleted", cancellationToken);
        }));
        return command;
    }

    public static Command CreateRestore(TextWriter stdout, TextWriter stderr)
    {
        var experiment = ExperimentArgument();
        var command = new Command("restore", "Restore a deleted experiment and its runs") { experiment };
        command.SetAction((parse, cancellationToken) => ServerCall.RunAsync(parse, stderr, async (client, format) =>
        {
            var id = await TrackingText.ExperimentIdAsync(client, parse.GetValue(experiment)!, cancellationToken);
            await client.RestoreExperimentAsync(id, cancellationToken);
            return await WriteAsync(client, stdout, format, id, "Restored", cancellationToken);
        }));
        return command;
    }

    public static Command CreateRename(TextWriter stdout, TextWriter stderr)
    {
        var experiment = ExperimentArgument();
        var name = new Argument<string>("new-name") { Description = "The new name" };
        var command = new Command("rename", "Rename an experiment") { experiment, name };
        command.SetAction((parse, cancellationToken) => ServerCall.RunAsync(parse, stderr, async (client, format) =>
        {
            var id = await TrackingText.ExperimentIdAsync(client, parse.GetValue(experiment)!, cancellationToken);
            await client.RenameExperimentAsync(id, parse.GetValue(name)!, cancellationToken);
            return await WriteAsync(client, stdout, format, id, "Renamed", cancellationToken);
        }));
        return command;
    }

    private static Argument<string> ExperimentArgument() => new("experiment")
    {
        Description = "The experiment, by id or name ('<project>/<name>' when several projects hold the name)",
    };

    /// <summary>The experiment as it is now: JSON on stdout, or one line saying what was done.</summary>
    private static async Task<int> WriteAsync(WharfClient client, TextWriter stdout, OutputFormat format, string id, string verb, CancellationToken cancellationToken)
    {
        var experiment = await client.GetExperimentAsync(id, cancellationToken);
        if (format == OutputFormat.Json)
        {
            await stdout.WriteLineAsync(JsonSerializer.Serialize(experiment, CliJson.Tracking.Experiment));
        }
        else
        {
            await stdout.WriteLineAsync($"{verb} experiment {experiment.Name} (id {experiment.ExperimentId}).");
        }

        return ExitCodes.Success;
    }
}
