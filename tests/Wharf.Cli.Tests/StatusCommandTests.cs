using System.Text.Json;
using Wharf.Client;

namespace Wharf.Cli.Tests;

public sealed class StatusCommandTests
{
    [Fact]
    public async Task Status_JsonFormat_PrintsOnlyJsonOnStdout()
    {
        await using var server = await LocalServer.StartAsync();

        var (exit, stdout, stderr) = await CliRun.RunAsync("status", "--server", server.Address.ToString(), "--token", server.AdminToken, "--format", "json");

        Assert.Equal(0, exit);
        Assert.Equal(string.Empty, stderr);
        var status = JsonSerializer.Deserialize(stdout, WharfJsonContext.Default.ServerStatus);
        Assert.NotNull(status);
        Assert.Equal(server.DataDirectory, status.DataDirectory);
        Assert.Equal("sqlite", status.Database.Provider);
    }

    [Fact]
    public async Task Status_TextFormat_PrintsDataDirectoryAndProviders()
    {
        await using var server = await LocalServer.StartAsync();

        var (exit, stdout, _) = await CliRun.RunAsync("status", "--server", server.Address.ToString(), "--token", server.AdminToken);

        Assert.Equal(0, exit);
        Assert.Contains(server.DataDirectory, stdout, StringComparison.Ordinal);
        Assert.Contains("sqlite", stdout, StringComparison.Ordinal);
        Assert.Contains("0 blobs", stdout, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Status_ServerFromEnvironment_IsUsedWhenNoOptionGiven()
    {
        await using var server = await LocalServer.StartAsync();
        var previous = Environment.GetEnvironmentVariable(WharfClient.ServerEnvironmentVariable);
        Environment.SetEnvironmentVariable(WharfClient.ServerEnvironmentVariable, server.Address.ToString());
        try
        {
            var (exit, stdout, _) = await CliRun.RunAsync("status", "--format", "json", "--token", server.AdminToken);

            Assert.Equal(0, exit);
            Assert.Contains(JsonEncodedText.Encode(server.DataDirectory).ToString(), stdout, StringComparison.Ordinal);
        }
        finally
        {
            Environment.SetEnvironmentVariable(WharfClient.ServerEnvironmentVariable, previous);
        }
    }

    [Fact]
    public async Task Status_NothingListening_ExitsUnreachableWithHint()
    {
        var port = FreePort();

        var (exit, stdout, stderr) = await CliRun.RunAsync("status", "--server", $"http://127.0.0.1:{port}", "--format", "json");

        Assert.Equal(3, exit);
        Assert.Equal(string.Empty, stdout);
        Assert.Contains("cannot reach the server", stderr, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Status_InvalidServerUrl_ExitsUsage()
    {
        var (exit, _, stderr) = await CliRun.RunAsync("status", "--server", "ftp://example");

        Assert.Equal(2, exit);
        Assert.Contains("not an absolute http(s) URL", stderr, StringComparison.Ordinal);
    }

    [Fact]
    public async Task UnknownVerb_ExitsUsage()
    {
        var (exit, stdout, stderr) = await CliRun.RunAsync("frobnicate");

        Assert.Equal(2, exit);
        Assert.Equal(string.Empty, stdout);
        Assert.Contains("frobnicate", stderr, StringComparison.Ordinal);
    }

    [Fact]
    public async Task BadFormat_ExitsUsage()
    {
        var (exit, _, stderr) = await CliRun.RunAsync("status", "--format", "yaml");

        Assert.Equal(2, exit);
        Assert.Contains("yaml", stderr, StringComparison.Ordinal);
    }

    private static int FreePort()
    {
        using var listener = new System.Net.Sockets.TcpListener(System.Net.IPAddress.Loopback, 0);
        listener.Start();
        return ((System.Net.IPEndPoint)listener.LocalEndpoint).Port;
    }
}
