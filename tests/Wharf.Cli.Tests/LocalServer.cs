using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.Extensions.DependencyInjection;
using Wharf.Server.Hosting;

namespace Wharf.Cli.Tests;

/// <summary>A real Wharf server in this process on a free loopback port, with its own temp data directory.</summary>
internal sealed class LocalServer : IAsyncDisposable
{
    private readonly WebApplication _app;

    private LocalServer(WebApplication app, string dataDirectory, Uri address)
    {
        _app = app;
        DataDirectory = dataDirectory;
        Address = address;
        AdminToken = File.ReadAllText(Path.Combine(dataDirectory, "admin-token")).Trim();
        Http = new HttpClient { BaseAddress = address };
        Http.DefaultRequestHeaders.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue("Bearer", AdminToken);
    }

    public string DataDirectory { get; }

    public Uri Address { get; }

    /// <summary>The bootstrap administrator's token.</summary>
    public string AdminToken { get; }

    /// <summary>The server's services, for seeding what the API does not offer (another user's first token).</summary>
    public IServiceProvider Services => _app.Services;

    /// <summary>For putting test content in through the server's own endpoints (e.g. <c>/v2/</c>).</summary>
    public HttpClient Http { get; }

    /// <summary>Starts a server; <paramref name="settings"/> are extra command-line settings such as <c>--Wharf:X=y</c>.</summary>
    public static async Task<LocalServer> StartAsync(params string[] settings)
    {
        var data = Path.Combine(Path.GetTempPath(), $"wharf-cli-{Guid.NewGuid():N}");
        var app = WharfServer.Build(["--urls=http://127.0.0.1:0", $"--Wharf:DataDirectory={data}", .. settings]);
        await app.StartAsync();
        var address = app.Services.GetRequiredService<IServer>().Features.GetRequiredFeature<IServerAddressesFeature>().Addresses.Single();
        return new LocalServer(app, data, new Uri(address));
    }

    /// <summary>
    /// A server for the registry verbs: garbage collection sweeps at once (no grace period) and not on a schedule,
    /// so a test decides what a collection finds.
    /// </summary>
    public static Task<LocalServer> StartForRegistryAsync()
        => StartAsync("--Wharf:Registry:GarbageCollectionGracePeriod=00:00:00", "--Wharf:Registry:GarbageCollectionInterval=00:00:00");

    /// <summary>Runs <c>wharf</c> against this server, as its administrator.</summary>
    public Task<(int ExitCode, string Stdout, string Stderr)> RunAsync(params string[] args)
        => CliRun.RunAsync([.. args, "--server", Address.ToString(), "--token", AdminToken]);

    public async ValueTask DisposeAsync()
    {
        Http.Dispose();
        await _app.StopAsync();
        await _app.DisposeAsync();
        if (Directory.Exists(DataDirectory))
        {
            Directory.Delete(DataDirectory, recursive: true);
        }
    }
}
