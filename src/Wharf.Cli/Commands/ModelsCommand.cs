using System.CommandLine;
using System.Text.Json;

namespace Wharf.Cli.Commands;

/// <summary>
/// <c>wharf models ls|create|show|register|alias|pull</c>: the model registry through <c>/api/v1/projects/{project}/models</c>.
/// A model is named <c>&lt;name&gt;</c> with <c>--project</c>, or <c>&lt;project&gt;/&lt;name&gt;</c>; without either, the
/// project is the caller's only one with <c>models:read</c>.
/// </summary>
internal static class ModelsCommand
{
    public static readonly Option<string?> ProjectOption = new("--project", "-p")
    {
        Description = "The project (default: the model name's '<project>/' prefix, else your only project with models:read)",
        Recursive = true,
    };

    public static Command Create(TextWriter stdout, TextWriter stderr)
    {
        var command = new Command("models", "List, create, register, alias and pull registered models")
        {
            ModelsListCommand.Create(stdout, stderr),
            CreateCommand(stdout, stderr),
            ModelsShowCommand.Create(stdout, stderr),
            ModelsRegisterCommand.Create(stdout, stderr),
            ModelsAliasCommand.Create(stdout, stderr),
            ModelsPullCommand.Create(stdout, stderr),
            ModelsImageCommand.Create(stdout, stderr),
        };
        command.Options.Add(ProjectOption);
        return command;
    }

    private static Command CreateCommand(TextWriter stdout, TextWriter stderr)
    {
        var name = new Argument<string>("name") { Description = "The model's name, or '<project>/<name>'" };
        var description = new Option<string?>("--description") { Description = "A description" };
        var command = new Command("create", "Create a registered model") { name, description };
        command.SetAction((parse, cancellationToken) => ModelsCall.RunAsync(parse, stderr, async (client, format) =>
        {
            var (project, model) = await ModelsText.ResolveAsync(client, parse, parse.GetValue(name)!, cancellationToken);
            var created = await client.CreateModelAsync(project, model, parse.GetValue(description), cancellationToken);
            var text = $"Created model {created.Project}/{created.Name} (registry repository {created.Repository}).";
            if (format == OutputFormat.Json)
            {
                await stdout.WriteLineAsync(JsonSerializer.Serialize(created, CliJson.Context.ModelInfo));
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
