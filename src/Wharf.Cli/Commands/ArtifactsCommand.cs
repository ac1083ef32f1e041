using System.CommandLine;
using System.Text.Json;
using Wharf.Client;

namespace Wharf.Cli.Commands;

/// <summary><c>wharf artifacts ls|get|put</c>: a run's files, through the server's MLflow artifact proxy.</summary>
internal static class ArtifactsCommand
{
    public static Command Create(TextWriter stdout, TextWriter stderr) => new("artifacts", "List, download and upload a run's artifacts")
    {
        ListCommand(stdout, stderr),
        GetCommand(stdout, stderr),
        PutCommand(stdout, stderr),
    };

    private static Command ListCommand(TextWriter stdout, TextWriter stderr)
    {
        var runId = new Argument<string>("run-id") { Description = "The run's id" };
        var path = new Argument<string?>("path") { Description = "A directory under the run's artifact root (default: the root)", Arity = ArgumentArity.ZeroOrOne };
        var command = new Command("ls", "List a directory of a run's artifacts") { runId, path };
        command.SetAction((parse, cancellationToken) => ServerCall.RunAsync(parse, stderr, async (client, format) =>
        {
            var files = await client.ListArtifactsAsync(parse.GetValue(runId)!, parse.GetValue(path), cancellationToken);
            if (format == OutputFormat.Json)
            {
                await stdout.WriteLineAsync(JsonSerializer.Serialize(files, CliJson.Tracking.IReadOnlyListArtifactFile));
                return ExitCodes.Success;
            }

            if (files.Count == 0)
            {
                await stdout.WriteLineAsync("No artifacts.");
                return ExitCodes.Success;
            }

            var table = new RegistryTable("PATH", "SIZE").AlignRight(1);
            foreach (var file in files.OrderBy(f => f.Path, StringComparer.Ordinal))
            {
                table.Add(file.IsDir ? file.Path + "/" : file.Path, file.FileSize is { } size ? RegistryText.Number(size) : "-");
            }

            await table.WriteAsync(stdout);
            return ExitCodes.Success;
        }));
        return command;
    }

    private static Command GetCommand(TextWriter stdout, TextWriter stderr)
    {
        var runId = new Argument<string>("run-id") { Description = "The run's id" };
        var path = new Argument<string>("path") { Description = "The file under the run's artifact root" };
        var output = new Option<string?>("--output", "-o") { Description = "Where to write it (default: its file name, in the current directory)" };
        var command = new Command("get", "Download one of a run's artifacts") { runId, path, output };
        command.SetAction((parse, cancellationToken) => ServerCall.RunTransferAsync(parse, stderr, async (client, format) =>
        {
            var artifact = parse.GetValue(path)!;
            var target = Path.GetFullPath(parse.GetValue(output) ?? Path.GetFileName(artifact.TrimEnd('/')));

            // Into a temporary file beside the target, moved over it when complete: a failed download leaves no half file.
            var partial = $"{target}.{Guid.NewGuid():N}.partial";
            try
            {
                long size;
                await using (var file = new FileStream(partial, FileMode.CreateNew, FileAccess.Write, FileShare.None, 81920, useAsync: true))
                {
                    var progress = TransferProgress.ForConsole(stderr, format, $"Downloading {artifact}", total: null);
                    await client.DownloadArtifactAsync(parse.GetValue(runId)!, artifact, progress is null ? file : new ProgressStream(file, progress), cancellationToken);
                    progress?.Complete();
                    size = file.Length;
                }

                File.Move(partial, target, overwrite: true);
                await WriteTransferAsync(stdout, stderr, format, artifact, target, size, "Downloaded", "to");
                return ExitCodes.Success;
            }
            finally
            {
                File.Delete(partial);
            }
        }));
        return command;
    }

    private static Command PutCommand(TextWriter stdout, TextWriter stderr)
    {
        var runId = new Argument<string>("run-id") { Description = "The run's id" };
        var local = new Argument<FileInfo>("local-file") { Description = "The file to upload" };
        var destination = new Option<string?>("--path") { Description = "Its path under the run's artifact root (default: the file's name)" };
        var command = new Command("put", "Upload a file as one of a run's artifacts") { runId, local, destination };
        command.SetAction(async (parse, cancellationToken) =>
        {
            var file = parse.GetValue(local)!;
            if (!file.Exists)
            {
                await stderr.WriteLineAsync($"wharf: {file.FullName} does not exist or is not a file");
                return ExitCodes.Usage;
            }

            var dest = parse.GetValue(destination) ?? file.Name;
            return await ServerCall.RunTransferAsync(parse, stderr, async (client, format) =>
            {
                await using var content = file.OpenRead();
                var progress = TransferProgress.ForConsole(stderr, format, $"Uploading {dest}", file.Length);
                await client.UploadArtifactAsync(parse.GetValue(runId)!, dest, progress is null ? content : new ProgressStream(content, progress), cancellationToken);
                progress?.Complete();
                await WriteTransferAsync(stdout, stderr, format, dest, file.FullName, file.Length, "Uploaded", "from");
                return ExitCodes.Success;
            });
        });
        return command;
    }

    private static async Task WriteTransferAsync(
        TextWriter stdout, TextWriter stderr, OutputFormat format, string artifact, string local, long size, string verb, string preposition)
    {
        var text = $"{verb} {artifact} ({ByteSize.FormatExact(size)}) {preposition} {local}.";
        if (format == OutputFormat.Json)
        {
            await stdout.WriteLineAsync($"{{\"path\":{CliJson.Quote(artifact)},\"local_path\":{CliJson.Quote(local)},\"size\":{size}}}");
            await stderr.WriteLineAsync(text);
        }
        else
        {
            await stdout.WriteLineAsync(text);
        }
    }
}
