using System.CommandLine;
using System.Net.Sockets;
using Wharf.Client;

namespace Wharf.Cli.Commands;

/// <summary>Runs a command body against the server and maps failures to messages on stderr and exit codes.</summary>
internal static class ServerCall
{
    public static async Task<int> RunAsync(ParseResult parse, TextWriter stderr, Func<WharfClient, OutputFormat, Task<int>> body)
    {
        Uri server;
        try
        {
            server = WharfClient.ResolveServer(parse.GetValue(CliApp.ServerOption));
        }
        catch (ArgumentException ex)
        {
            await stderr.WriteLineAsync($"wharf: {ex.Message}");
            return ExitCodes.Usage;
        }

        var format = parse.GetValue(CliApp.FormatOption);
        var token = CliCredentials.Resolve(parse.GetValue(CliApp.TokenOption), server);
        var client = WharfClient.Create(server, TimeSpan.FromSeconds(30), token);
        try
        {
            return await body(client, format);
        }
        catch (HttpRequestException ex) when (ex.InnerException is SocketException || ex.HttpRequestError == HttpRequestError.ConnectionError)
        {
            await stderr.WriteLineAsync($"wharf: cannot reach the server at {server}: {ex.Message}");
            await stderr.WriteLineAsync("Start one with 'wharf server', or point --server / WHARF_SERVER at it.");
            return ExitCodes.Unreachable;
        }
        catch (WharfApiException ex)
        {
            await stderr.WriteLineAsync($"wharf: {ex.Message}");
            return ExitCodes.ServerError;
        }
        catch (OperationCanceledException)
        {
            return ExitCodes.Cancelled;
        }
    }
}
