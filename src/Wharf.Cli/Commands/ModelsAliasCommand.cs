using System.CommandLine;
using System.Text.Json;

namespace Wharf.Cli.Commands;

/// <summary><c>wharf models alias set|rm</c>: move an alias (and its registry tag) to a version, or delete it.</summary>
internal static class ModelsAliasCommand
{
    public static Command Create(TextWriter stdout, TextWriter stderr) => new("alias", "Set or remove a model's aliases (needs models:promote)")
    {
        SetCommand(stdout, stderr),
        RemoveCommand(stdout, stderr),
    };

    private static Command SetCommand(TextWriter stdout, TextWriter stderr)
    {
        var name = new Argument<string>("name") { Description = "The model ('<project>/<name>' or with --project)" };
        var alias = new Argument<string>("alias") { Description = "The alias, such as production" };
        var version = new Argument<string>("version") { Description = "The version: 3 or v3" };
        var command = new Command("set", "Point an alias at a version, creating or moving it") { name, alias, version };
        command.SetAction((parse, cancellationToken) => ModelsCall.RunAsync(parse, stderr, async (client, format) =>
        {
            var number = ModelsText.Version(parse.GetValue(version)!)
                ?? throw new ArgumentException($"'{parse.GetValue(version)}' is not a version number (3 or v3)");
            var (project, model) = await ModelsText.ResolveAsync(client, parse, parse.GetValue(name)!, cancellationToken);
            var set = await client.SetModelAliasAsync(project, model, parse.GetValue(alias)!, number, cancellationToken);
            var text = $"Alias {set.Alias} of {project}/{model} now points at v{set.Version}.";
            if (format == OutputFormat.Json)
            {
                await stdout.WriteLineAsync(JsonSerializer.Serialize(set, CliJson.Context.ModelAliasInfo));
                await stderr.WriteLineAsync(text);
            }
            else
            {
                await stdout.WriteLineAsync(text);
            }

            return ExitCodes.Success;
        }));
        return command;
    }

    private static Command RemoveCommand(TextWriter stdout, TextWriter stderr)
    {
        var name = new Argument<string>("name") { Description = "The model ('<project>/<name>' or with --project)" };
        var alias = new Argument<string>("alias") { Description = "The alias" };
        var command = new Command("rm", "Delete an alias and its registry tag") { name, alias };
        command.SetAction((parse, cancellationToken) => ModelsCall.RunAsync(parse, stderr, async (client, format) =>
        {
            var (project, model) = await ModelsText.ResolveAsync(client, parse, parse.GetValue(name)!, cancellationToken);
            await client.DeleteModelAliasAsync(project, model, parse.GetValue(alias)!, cancellationToken);
            var text = $"Deleted alias {parse.GetValue(alias)} of {project}/{model}.";
            if (format == OutputFormat.Json)
            {
                await stdout.WriteLineAsync($"{{\"alias\":{CliJson.Quote(parse.GetValue(alias)!)},\"deleted\":true}}");
                await stderr.WriteLineAsync(text);
            }
            else
            {
                await stdout.WriteLineAsync(text);
            }

            return ExitCodes.Success;
        }));
        return command;
    }
}
