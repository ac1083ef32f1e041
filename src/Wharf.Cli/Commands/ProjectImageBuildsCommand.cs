using System.CommandLine;
using System.Text.Json;
using Wharf.Client.Images;

namespace Wharf.Cli.Commands;

/// <summary>
/// <c>wharf project image-builds &lt;project&gt; [--enable --base &lt;ref&gt; [--runtime-image &lt;ref&gt;] | --disable]</c>:
/// shows or changes whether every new READY model version of the project gets an image built by the platform.
/// </summary>
internal static class ProjectImageBuildsCommand
{
    public static Command Create(TextWriter stdout, TextWriter stderr)
    {
        var project = new Argument<string>("project") { Description = "The project" };
        var enable = new Option<bool>("--enable") { Description = "Build an image for every new READY model version (needs --base)" };
        var disable = new Option<bool>("--disable") { Description = "Stop building images" };
        var baseImage = new Option<string?>("--base") { Description = "The base image in Wharf's registry: '<project>/<repository>:<tag>' (external registries are not fetched)" };
        var runtimeImage = new Option<string?>("--runtime-image") { Description = "An image in Wharf's registry whose layers replace the server's serving runtime" };
        var command = new Command("image-builds", "Show or change the project's model image builds") { project, enable, disable, baseImage, runtimeImage };
        command.SetAction((parse, cancellationToken) => ServerCall.RunAsync(parse, stderr, async (client, format) =>
        {
            var name = parse.GetValue(project)!;
            ModelImageSettings settings;
            if (parse.GetValue(enable) && parse.GetValue(disable))
            {
                await stderr.WriteLineAsync("error: --enable and --disable exclude each other");
                return ExitCodes.Usage;
            }

            if (parse.GetValue(enable) || parse.GetValue(disable))
            {
                var current = await client.GetModelImageSettingsAsync(name, cancellationToken);
                settings = await client.SetModelImageSettingsAsync(
                    name,
                    new ModelImageSettings(parse.GetValue(enable), parse.GetValue(baseImage) ?? current.BaseImage, parse.GetValue(runtimeImage) ?? current.RuntimeImage),
                    cancellationToken);
            }
            else
            {
                settings = await client.GetModelImageSettingsAsync(name, cancellationToken);
            }

            if (format == OutputFormat.Json)
            {
                await stdout.WriteLineAsync(JsonSerializer.Serialize(settings, CliJson.Context.ModelImageSettings));
                return ExitCodes.Success;
            }

            await stdout.WriteLineAsync($"Image builds:  {(settings.Enabled ? "enabled" : "disabled")}");
            await stdout.WriteLineAsync($"Base image:    {settings.BaseImage ?? "-"}");
            await stdout.WriteLineAsync($"Runtime image: {settings.RuntimeImage ?? "(the server's serving runtime)"}");
            return ExitCodes.Success;
        }));
        return command;
    }
}
