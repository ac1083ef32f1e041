using System.CommandLine;
using System.Globalization;
using System.Text.Json;
using Wharf.Client;
using Wharf.Client.Registry;

namespace Wharf.Cli.Commands;

/// <summary>
/// <c>wharf fsck [--verify] [--repair]</c>: checks the registry's invariants. Exits 0 when clean and 1 when it found
/// problems, so scripts and monitoring can run it as is.
/// </summary>
internal static class FsckCommand
{
    /// <summary>The exit code for "the check ran and found problems" (the same number as a server error: both mean "not fine").</summary>
    private const int ProblemsFound = 1;

    public static Command Create(TextWriter stdout, TextWriter stderr)
    {
        var verify = new Option<bool>("--verify") { Description = "Also read back every blob and manifest and check it hashes to its digest (reads every byte)" };
        var repair = new Option<bool>("--repair") { Description = "Also remove leftovers that are safe to remove (unrecorded blob files, staged uploads without a session)" };
        var command = new Command("fsck", "Check the registry: blobs, manifests, tags and uploads against the blob store")
        {
            verify,
            repair,
        };
        command.SetAction((parse, cancellationToken) => ServerCall.RunAsync(parse, stderr, async (client, format) =>
        {
            var report = await client.CheckRegistryAsync(parse.GetValue(verify), parse.GetValue(repair), cancellationToken);
            if (format == OutputFormat.Json)
            {
                await stdout.WriteLineAsync(JsonSerializer.Serialize(report, CliJson.Context.RegistryCheckReport));
            }
            else
            {
                await WriteTextAsync(stdout, report);
            }

            return report.IsClean ? ExitCodes.Success : ProblemsFound;
        }));
        return command;
    }

    private static async Task WriteTextAsync(TextWriter stdout, RegistryCheckReport report)
    {
        var c = report.Checked;
        var hashed = report.Verified ? $", {ByteSize.Format(c.BytesHashed)} hashed" : string.Empty;
        await stdout.WriteLineAsync(string.Create(
            CultureInfo.InvariantCulture,
            $"checked {c.Blobs} blobs ({c.BlobFiles} stored), {c.BlobLinks} links, {c.Manifests} manifests, {c.Tags} tags, {c.Uploads} uploads ({c.StagedUploads} staged){hashed} in {report.DurationMilliseconds:0} ms"));
        if (report.IsClean)
        {
            await stdout.WriteLineAsync("no problems found");
            return;
        }

        string[] header = ["KIND", "SEVERITY", "OBJECT", "DETAIL"];
        var rows = report.Problems
            .Select(p => new[] { p.Kind, p.Severity + (p.Repaired ? " (repaired)" : string.Empty), p.Object, p.Detail })
            .ToList();
        var widths = Enumerable.Range(0, 3).Select(i => rows.Append(header).Max(r => r[i].Length)).ToArray();
        foreach (var row in rows.Prepend(header))
        {
            await stdout.WriteLineAsync($"{row[0].PadRight(widths[0])}  {row[1].PadRight(widths[1])}  {row[2].PadRight(widths[2])}  {row[3]}");
        }

        var corruptions = report.Problems.Count(p => p.Severity == RegistryProblemSeverity.Corruption);
        var repaired = report.Problems.Count(p => p.Repaired);
        await stdout.WriteLineAsync(string.Create(
            CultureInfo.InvariantCulture,
            $"{report.Problems.Count} problem{(report.Problems.Count == 1 ? "" : "s")}: {corruptions} corruption, {report.Problems.Count - corruptions} orphan{(report.Repaired ? $" ({repaired} repaired)" : string.Empty)}"));
    }
}
