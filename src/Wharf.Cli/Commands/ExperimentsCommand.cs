using System.CommandLine;
using System.Text.Json;
using Wharf.Client.Tracking;

namespace Wharf.Cli.Commands;

/// <summary><c>wharf experiments ls|create|rm|restore|rename</c>: MLflow experiments in the projects the caller may read.</summary>
internal static class ExperimentsCommand
{
    public static Command Create(TextWriter stdout, TextWriter stderr) => new("experiments", "List, create, delete, restore and rename tracking experiments")
    {
        ListCommand(stdout, stderr),
        CreateCommand(stdout, stderr),
        ExperimentsLifecycleCommand.CreateRemove(stdout, stderr),
        ExperimentsLifecycleCommand.CreateRestore(stdout, stderr),
        ExperimentsLifecycleCommand.CreateRename(stdout, stderr),
    };

    private static Command ListCommand(TextWriter stdout, TextWriter stderr)
    {
        var all = new Option<bool>("--all") { Description = "Include deleted experiments" };
        var command = new Command("ls", "List the experiments of the projects you may read, in name order") { all };
        command.SetAction((parse, cancellationToken) => ServerCall.RunAsync(parse, stderr, async (client, format) =>
        {
            var viewType = parse.GetValue(all) ? ViewType.All : ViewType.ActiveOnly;
            var experiments = new List<Experiment>();
            string? token = null;
            do
            {
                var page = await client.SearchExperimentsAsync(orderBy: ["name ASC"], pageToken: token, viewType: viewType, cancellationToken: cancellationToken);
                experiments.AddRange(page.Experiments);
                token = page.NextPageToken;
            }
            while (!string.IsNullOrEmpty(token));

            if (format == OutputFormat.Json)
            {
                await stdout.WriteLineAsync(JsonSerializer.Serialize<IReadOnlyList<Experiment>>(experiments, CliJson.Tracking.IReadOnlyListExperiment));
                return ExitCodes.Success;
            }

            if (experiments.Count == 0)
            {
                await stdout.WriteLineAsync("No experiments.");
                return ExitCodes.Success;
            }

            var table = new RegistryTable("ID", "NAME", "STAGE", "CREATED").AlignRight(0);
            foreach (var experiment in experiments)
            {
                table.Add(experiment.ExperimentId, experiment.Name, experiment.LifecycleStage ?? "-", TrackingText.Time(experiment.CreationTime));
            }

            await table.WriteAsync(stdout);
            return ExitCodes.Success;
        }));
        return command;
    }

    private static Command CreateCommand(TextWriter stdout, TextWriter stderr)
    {
        var name = new Argument<string>("name")
        {
            Description = "Experiment name; '<project>/<name>' puts it in that project (needed when you may write to several)",
        };
        var command = new Command("create", "Create an experiment") { name };
        command.SetAction((parse, cancellationToken) => ServerCall.RunAsync(parse, stderr, async (client, format) =>
        {
            var id = await client.CreateExperimentAsync(parse.GetValue(name)!, cancellationToken: cancellationToken);
            if (format == OutputFormat.Json)
            {
                var experiment = await client.GetExperimentAsync(id, cancellationToken);
                await stdout.WriteLineAsync(JsonSerializer.Serialize(experiment, CliJson.Tracking.Experiment));
            }
            else
            {
                await stdout.WriteLineAsync($"Created experiment {parse.GetValue(name)} (id {id}).");
            }

            return ExitCodes.Success;
        }));
        return command;
    }
}
