using System.CommandLine;
using System.Text.Json;
using Wharf.Client;

namespace Wharf.Cli.Commands;

/// <summary><c>wharf status</c>: asks the server what it runs on.</summary>
internal static class StatusCommand
{
    public static Command Create(TextWriter stdout, TextWriter stderr)
    {
        var command = new Command("status", "Show the server's version, data directory, database and blob store");
        command.SetAction((parse, cancellationToken) => ServerCall.RunAsync(parse, stderr, async (client, format) =>
        {
            var status = await client.GetStatusAsync(cancellationToken);
            if (format == OutputFormat.Json)
            {
                await stdout.WriteLineAsync(JsonSerializer.Serialize(status, CliJson.Context.ServerStatus));
                return ExitCodes.Success;
            }

            await stdout.WriteLineAsync($"server       {parse.GetValue(CliApp.ServerOption) ?? WharfClient.ResolveServer(null).ToString()}");
            await stdout.WriteLineAsync($"version      {status.Version}");
            await stdout.WriteLineAsync($"data         {status.DataDirectory}");
            await stdout.WriteLineAsync($"database     {status.Database.Provider}{(status.Database.SchemaVersion is { } v ? $" (schema {v})" : "")}");
            await stdout.WriteLineAsync($"blob store   {status.Blobs.Provider}: {status.Blobs.Count} blobs, {ByteSize.Format(status.Blobs.TotalBytes)}");
            return ExitCodes.Success;
        }));
        return command;
    }
}
