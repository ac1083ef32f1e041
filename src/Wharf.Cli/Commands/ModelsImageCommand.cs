using System.CommandLine;
using System.Text.Json;
using Wharf.Client.Images;

namespace Wharf.Cli.Commands;

/// <summary>
/// <c>wharf models image &lt;project&gt;/&lt;model&gt;@&lt;version|alias&gt; [--rebuild]</c>: the image the platform built for a
/// version (reference, status, digest, log), or a request to build it again.
/// </summary>
internal static class ModelsImageCommand
{
    public static Command Create(TextWriter stdout, TextWriter stderr)
    {
        var name = new Argument<string>("version") { Description = "The version: '<project>/<name>@<version|alias>' (or with --project)" };
        var rebuild = new Option<bool>("--rebuild") { Description = "Queue a (re)build of the image (needs models:write)" };
        var command = new Command("image", "Show the image built for a model version, with its status and log") { name, rebuild };
        command.SetAction((parse, cancellationToken) => ModelsCall.RunAsync(parse, stderr, async (client, format) =>
        {
            var (given, reference) = ModelsText.SplitReference(parse.GetValue(name)!);
            if (reference is null)
            {
                await stderr.WriteLineAsync("error: name the version: '<project>/<name>@<version|alias>'");
                return ExitCodes.Usage;
            }

            var (project, model) = await ModelsText.ResolveAsync(client, parse, given, cancellationToken);
            var number = await ModelsShowCommand.VersionAsync(client, project, model, reference, cancellationToken);
            var info = parse.GetValue(rebuild)
                ? await client.RebuildModelImageAsync(project, model, number, cancellationToken)
                : await client.GetModelImageAsync(project, model, number, cancellationToken);
            if (format == OutputFormat.Json)
            {
                await stdout.WriteLineAsync(JsonSerializer.Serialize(info, CliJson.Context.ModelImageBuildInfo));
                return ExitCodes.Success;
            }

            await stdout.WriteLineAsync($"Image:    {info.Reference}");
            await stdout.WriteLineAsync($"Status:   {info.Status}");
            await stdout.WriteLineAsync($"Digest:   {info.Digest ?? "-"}");
            await stdout.WriteLineAsync($"Attempts: {info.Attempts}");
            await stdout.WriteLineAsync($"Updated:  {RegistryText.Time(info.UpdatedAt)}");
            if (info.Status == ModelImageBuildStatuses.Succeeded)
            {
                await stdout.WriteLineAsync($"Pull:     podman pull {info.Reference}");
            }

            if (info.Log.Length > 0)
            {
                await stdout.WriteLineAsync();
                await stdout.WriteAsync(info.Log);
            }

            return ExitCodes.Success;
        }));
        return command;
    }
}
