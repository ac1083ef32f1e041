using System.CommandLine;
using System.Net.Sockets;
using Wharf.Client;

namespace Wharf.Cli.Commands;

/// <summary>Runs a command body against the server and maps failures to messages on stderr and exit codes.</summary>
internal static class ServerCall
{
    /// <summary>Each request may take this long; transfers (<see cref="RunTransferAsync"/>) have no limit.</summary>
    private static readonly TimeSpan RequestTimeout = TimeSpan.FromSeconds(30);

    public static Task<int> RunAsync(ParseResult parse, TextWriter stderr, Func<WharfClient, OutputFormat, Task<int>> body)
        => RunAsync(parse, stderr, tokenOverride: null, (client, format, _) => body(client, format));

    /// <summary>
    /// As <see cref="RunAsync(ParseResult, TextWriter, Func{WharfClient, OutputFormat, Task{int}})"/>, for bodies that
    /// stream files of any size (artifacts): no per-request timeout, only Ctrl+C stops them.
    /// </summary>
    public static Task<int> RunTransferAsync(ParseResult parse, TextWriter stderr, Func<WharfClient, OutputFormat, Task<int>> body)
        => RunAsync(parse, stderr, tokenOverride: null, (client, format, _) => body(client, format), Timeout.InfiniteTimeSpan);

    /// <summary>
    /// Runs <paramref name="body"/> with a client for the resolved server; <paramref name="tokenOverride"/> replaces the
    /// usual token lookup (<c>wharf login</c> checks the token it was given, not the one stored).
    /// </summary>
    public static async Task<int> RunAsync(
        ParseResult parse, TextWriter stderr, string? tokenOverride, Func<WharfClient, OutputFormat, Uri, Task<int>> body, TimeSpan? timeout = null)
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
        string? token;
        try
        {
            token = tokenOverride ?? CliCredentials.Resolve(parse.GetValue(CliApp.TokenOption), server, CredentialStore.Open(parse.GetValue(CliApp.ConfigDirOption)));
        }
        catch (Exception ex) when (ex is InvalidDataException or IOException or UnauthorizedAccessException)
        {
            await stderr.WriteLineAsync($"wharf: cannot read stored credentials: {ex.Message}");
            return ExitCodes.Usage;
        }

        var client = WharfClient.Create(server, timeout ?? RequestTimeout, token);
        try
        {
            return await body(client, format, server);
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
