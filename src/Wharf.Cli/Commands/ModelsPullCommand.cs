using System.CommandLine;
using System.Text.Json;
using Wharf.Client;
using Wharf.Client.Models;

namespace Wharf.Cli.Commands;

/// <summary>
/// <c>wharf models pull &lt;name&gt;@&lt;alias|version&gt; &lt;dir&gt;</c>: a version's files from the registry, each verified
/// against its digest; file names from the manifest that would leave the directory are refused before anything is written.
/// </summary>
internal static class ModelsPullCommand
{
    public static Command Create(TextWriter stdout, TextWriter stderr)
    {
        var reference = new Argument<string>("model") { Description = "'<name>@<alias|version>' (name as '<project>/<name>' or with --project)" };
        var directory = new Argument<string>("dir") { Description = "The directory the files go into (created when missing)" };
        var command = new Command("pull", "Download a model version's files") { reference, directory };
        command.SetAction((parse, cancellationToken) => ModelsCall.RunAsync(parse, stderr, async (client, format) =>
        {
            var (given, tag) = ModelsText.SplitReference(parse.GetValue(reference)!);
            if (string.IsNullOrEmpty(tag))
            {
                throw new ArgumentException($"'{parse.GetValue(reference)}' names no version: use '<name>@<alias>' or '<name>@<version>'");
            }

            var (project, model) = await ModelsText.ResolveAsync(client, parse, given, cancellationToken);
            var bar = new BarProgress(total => TransferProgress.ForConsole(stderr, format, $"Pulling {project}/{model}@{tag}", total));
            var result = await client.PullModelAsync(project, model, tag, parse.GetValue(directory)!, bar, cancellationToken);
            bar.Complete();
            var text = $"Pulled {result.Reference} ({result.Files.Count} file(s), {ByteSize.FormatExact(result.Files.Sum(f => f.Size))}) into {result.Directory}.";
            if (format == OutputFormat.Json)
            {
                await stdout.WriteLineAsync(JsonSerializer.Serialize(result, CliJson.Context.ModelPullResult));
                await stderr.WriteLineAsync(text);
            }
            else
            {
                await stdout.WriteLineAsync(text);
            }

            return ExitCodes.Success;
        }, transfer: true));
        return command;
    }

    /// <summary>
    /// Feeds the SDK's running totals to a bar synchronously (<see cref="Progress{T}"/> would post them to the thread
    /// pool). The bar is made at the first report, when the manifest has told the total; none when not at a terminal.
    /// </summary>
    private sealed class BarProgress(Func<long, TransferProgress?> create) : IProgress<ModelPullProgress>
    {
        private TransferProgress? _bar;
        private bool _created;
        private long _bytes;

        public void Report(ModelPullProgress value)
        {
            if (!_created)
            {
                _bar = create(value.TotalBytes);
                _created = true;
            }

            _bar?.Add((int)(value.Bytes - _bytes));
            _bytes = value.Bytes;
        }

        public void Complete() => _bar?.Complete();
    }
}
