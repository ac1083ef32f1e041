using System.CommandLine;
using System.Text.Json;
using Wharf.Client.Models;

namespace Wharf.Cli.Commands;

/// <summary><c>wharf models register &lt;run_id&gt;/&lt;path&gt; --name &lt;model&gt;</c>: a new version from a run's files.</summary>
internal static class ModelsRegisterCommand
{
    public static Command Create(TextWriter stdout, TextWriter stderr)
    {
        var source = new Argument<string>("source") { Description = "The run's files: '<run_id>/<path>' (a file or directory under its artifact root), or '<run_id>' for all" };
        var name = new Option<string>("--name", "-n") { Description = "The model ('<project>/<name>' or with --project); it must exist", Required = true };
        var description = new Option<string?>("--description") { Description = "A description of the version" };
        var command = new Command("register", "Register a new model version from a run's artifacts") { source, name, description };
        command.SetAction((parse, cancellationToken) => ModelsCall.RunAsync(parse, stderr, async (client, format) =>
        {
            var (project, model) = await ModelsText.ResolveAsync(client, parse, parse.GetValue(name)!, cancellationToken);
            var version = await client.RegisterModelVersionAsync(project, model, parse.GetValue(source)!, parse.GetValue(description), cancellationToken);
            var ready = version.Status == ModelVersionStatuses.Ready;
            var text = ready
                ? $"Registered {project}/{model} v{version.Version} ({version.Files.Count} file(s)): {version.Reference}"
                : $"Version v{version.Version} of {project}/{model} is {version.Status}: {version.StatusMessage}";
            if (format == OutputFormat.Json)
            {
                await stdout.WriteLineAsync(JsonSerializer.Serialize(version, CliJson.Context.ModelVersionInfo));
                await stderr.WriteLineAsync(text);
            }
            else
            {
                await (ready ? stdout : stderr).WriteLineAsync(text);
            }

            // A version that did not register is recorded, but the command did not do what was asked.
            return ready ? ExitCodes.Success : ExitCodes.ServerError;
        }));
        return command;
    }
}
