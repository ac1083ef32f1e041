using System.CommandLine;
using System.Text.Json;
using Wharf.Client.Models;

namespace Wharf.Cli.Commands;

/// <summary><c>wharf models ls [--project]</c>: the models of one project, or of every project you may read models of.</summary>
internal static class ModelsListCommand
{
    public static Command Create(TextWriter stdout, TextWriter stderr)
    {
        var command = new Command("ls", "List registered models, in project and name order");
        command.SetAction((parse, cancellationToken) => ModelsCall.RunAsync(parse, stderr, async (client, format) =>
        {
            var models = new List<ModelSummary>();
            foreach (var project in await ModelsText.ReadableProjectsAsync(client, parse, cancellationToken))
            {
                string? last = null;
                do
                {
                    var page = await client.ListModelsAsync(project, last, 1000, cancellationToken);
                    models.AddRange(page.Models);
                    last = page.Next;
                }
                while (last is not null);
            }

            if (format == OutputFormat.Json)
            {
                await stdout.WriteLineAsync(JsonSerializer.Serialize<IReadOnlyList<ModelSummary>>(models, CliJson.Context.IReadOnlyListModelSummary));
                return ExitCodes.Success;
            }

            if (models.Count == 0)
            {
                await stdout.WriteLineAsync("No models.");
                return ExitCodes.Success;
            }

            var table = new RegistryTable("PROJECT", "NAME", "LATEST", "ALIASES", "UPDATED").AlignRight(2);
            foreach (var model in models)
            {
                table.Add(model.Project, model.Name, model.LatestVersion is { } v ? $"v{v}" : "-",
                    ModelsText.Aliases(model.Aliases.Select(a => $"{a.Alias}=v{a.Version}")), RegistryText.Time(model.UpdatedAt));
            }

            await table.WriteAsync(stdout);
            return ExitCodes.Success;
        }));
        return command;
    }
}
