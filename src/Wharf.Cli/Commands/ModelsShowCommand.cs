using System.CommandLine;
using System.Text.Json;
using Wharf.Client;
using Wharf.Client.Models;

namespace Wharf.Cli.Commands;

/// <summary>
/// <c>wharf models show &lt;name&gt;[@&lt;alias|version&gt;]</c>: a model with its versions and aliases, or one version with
/// its status, signature, files, OCI reference and lineage.
/// </summary>
internal static class ModelsShowCommand
{
    public static Command Create(TextWriter stdout, TextWriter stderr)
    {
        var name = new Argument<string>("name") { Description = "The model ('<project>/<name>' or with --project); '<name>@<alias|version>' shows one version" };
        var command = new Command("show", "Show a model with its versions and aliases, or one version") { name };
        command.SetAction((parse, cancellationToken) => ModelsCall.RunAsync(parse, stderr, async (client, format) =>
        {
            var (given, reference) = ModelsText.SplitReference(parse.GetValue(name)!);
            var (project, model) = await ModelsText.ResolveAsync(client, parse, given, cancellationToken);
            if (reference is null)
            {
                var info = await client.GetModelAsync(project, model, cancellationToken);
                if (format == OutputFormat.Json)
                {
                    await stdout.WriteLineAsync(JsonSerializer.Serialize(info, CliJson.Context.ModelInfo));
                }
                else
                {
                    await WriteModelAsync(stdout, info);
                }

                return ExitCodes.Success;
            }

            var number = await VersionAsync(client, project, model, reference, cancellationToken);
            var version = await client.GetModelVersionAsync(project, model, number, cancellationToken);
            if (format == OutputFormat.Json)
            {
                await stdout.WriteLineAsync(JsonSerializer.Serialize(version, CliJson.Context.ModelVersionInfo));
            }
            else
            {
                await WriteVersionAsync(stdout, version);
            }

            return ExitCodes.Success;
        }));
        return command;
    }

    /// <summary>The version a reference names: <c>3</c>, <c>v3</c>, or an alias looked up on the model.</summary>
    public static async Task<int> VersionAsync(WharfClient client, string project, string model, string reference, CancellationToken cancellationToken)
    {
        if (ModelsText.Version(reference) is { } number)
        {
            return number;
        }

        var info = await client.GetModelAsync(project, model, cancellationToken);
        return info.Aliases.FirstOrDefault(a => a.Alias == reference)?.Version
            ?? throw new ArgumentException($"model {project}/{model} has no alias '{reference}'");
    }

    private static async Task WriteModelAsync(TextWriter stdout, ModelInfo info)
    {
        await stdout.WriteLineAsync($"Model:       {info.Project}/{info.Name}");
        await stdout.WriteLineAsync($"Repository:  {info.Repository}");
        if (!string.IsNullOrEmpty(info.Description))
        {
            await stdout.WriteLineAsync($"Description: {info.Description}");
        }

        await stdout.WriteLineAsync($"Aliases:     {ModelsText.Aliases(info.Aliases.Select(a => $"{a.Alias}=v{a.Version}"))}");
        await stdout.WriteLineAsync($"Created:     {RegistryText.Time(info.CreatedAt)}");
        await stdout.WriteLineAsync();
        if (info.Versions.Count == 0)
        {
            await stdout.WriteLineAsync("No versions.");
            return;
        }

        var table = new RegistryTable("VERSION", "STATUS", "ALIASES", "RUN", "CREATED").AlignRight(0);
        foreach (var v in info.Versions)
        {
            table.Add($"v{v.Version}", v.Status, ModelsText.Aliases(v.Aliases), v.RunId, RegistryText.Time(v.CreatedAt));
        }

        await table.WriteAsync(stdout);
    }

    private static async Task WriteVersionAsync(TextWriter stdout, ModelVersionInfo v)
    {
        await stdout.WriteLineAsync($"Model:      {v.Project}/{v.Model} v{v.Version}");
        await stdout.WriteLineAsync($"Status:     {v.Status}{(v.StatusMessage is { } why ? $" ({why})" : "")}");
        await stdout.WriteLineAsync($"Aliases:    {ModelsText.Aliases(v.Aliases)}");
        await stdout.WriteLineAsync($"Source:     {v.Source}");
        await stdout.WriteLineAsync($"Created:    {RegistryText.Time(v.CreatedAt)}");
        if (v.Reference is { } reference)
        {
            await stdout.WriteLineAsync($"Reference:  {reference}");
            await stdout.WriteLineAsync($"Digest:     {v.Digest}");
        }

        var run = v.Lineage;
        await stdout.WriteLineAsync($"Run:        {run.RunId}{(run.RunName is { Length: > 0 } n ? $" ({n})" : "")}");
        if (run.ExperimentId is { } experiment)
        {
            await stdout.WriteLineAsync($"Experiment: {run.ExperimentName} (id {experiment})");
        }

        foreach (var dataset in run.Datasets)
        {
            await stdout.WriteLineAsync($"Dataset:    {dataset.Name} ({dataset.SourceType}, digest {dataset.Digest})");
        }

        if (v.Signature is { ValueKind: JsonValueKind.Object } signature && signature.TryGetProperty("onnx", out var files))
        {
            foreach (var file in files.EnumerateArray())
            {
                await stdout.WriteLineAsync($"Signature:  {file.GetProperty("path").GetString()}");
                await WriteTensorsAsync(stdout, file, "inputs", "input ");
                await WriteTensorsAsync(stdout, file, "outputs", "output");
            }
        }

        if (v.Files.Count > 0)
        {
            await stdout.WriteLineAsync();
            var table = new RegistryTable("FILE", "SIZE", "DIGEST").AlignRight(1);
            foreach (var file in v.Files)
            {
                table.Add(file.Path, RegistryText.Number(file.Size), file.Digest);
            }

            await table.WriteAsync(stdout);
        }
    }

    private static async Task WriteTensorsAsync(TextWriter stdout, JsonElement file, string property, string label)
    {
        if (!file.TryGetProperty(property, out var values))
        {
            return;
        }

        foreach (var value in values.EnumerateArray())
        {
            var type = value.TryGetProperty("element_type", out var element) ? element.GetString() : value.GetProperty("type").GetString();
            var shape = value.TryGetProperty("shape", out var dims) ? $" [{string.Join(",", dims.EnumerateArray().Select(d => d.GetRawText()))}]" : "";
            await stdout.WriteLineAsync($"  {label}  {value.GetProperty("name").GetString()} {type}{shape}");
        }
    }
}
