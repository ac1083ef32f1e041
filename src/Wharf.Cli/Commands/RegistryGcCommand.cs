using System.CommandLine;
using System.Globalization;
using System.Text.Json;
using Wharf.Client;

namespace Wharf.Cli.Commands;

/// <summary><c>wharf registry gc</c>: runs garbage collection now and reports what it swept.</summary>
internal static class RegistryGcCommand
{
    public static Command Create(TextWriter stdout, TextWriter stderr)
    {
        var command = new Command(
            "gc",
            "Sweep untagged, unreferenced manifests and unused blobs now (anything younger than the grace period stays)");
        command.SetAction((parse, cancellationToken) => ServerCall.RunAsync(parse, stderr, async (client, format) =>
        {
            var result = await client.CollectGarbageAsync(cancellationToken);
            if (format == OutputFormat.Json)
            {
                await stdout.WriteLineAsync(JsonSerializer.Serialize(result, CliJson.Context.GarbageCollectionResult));
                return ExitCodes.Success;
            }

            var table = new RegistryTable("SWEPT", "COUNT").AlignRight(1);
            table.Add("manifests", RegistryText.Number(result.ManifestsDeleted));
            table.Add("blob links", RegistryText.Number(result.BlobLinksDeleted));
            table.Add("blobs", RegistryText.Number(result.BlobsDeleted));
            table.Add("expired uploads", RegistryText.Number(result.UploadsExpired));
            await table.WriteAsync(stdout);
            await stdout.WriteLineAsync(string.Create(
                CultureInfo.InvariantCulture,
                $"Freed {ByteSize.Format(result.BytesFreed)} ({RegistryText.Number(result.BytesFreed)} bytes) in {result.DurationMilliseconds:0.#} ms."));
            return ExitCodes.Success;
        }));
        return command;
    }
}
