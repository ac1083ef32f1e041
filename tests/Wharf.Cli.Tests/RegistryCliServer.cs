using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.Extensions.DependencyInjection;
using Wharf.Server.Hosting;

namespace Wharf.Cli.Tests;

/// <summary>
/// A real server in this process for the registry verbs, like <see cref="LocalServer"/>, but with garbage collection
/// sweeping at once (no grace period) and not on a schedule, so a test decides what a collection finds.
/// </summary>
internal sealed class RegistryCliServer : IAsyncDisposable
{
    private readonly WebApplication _app;
    private readonly string _dataDirectory;

    private RegistryCliServer(WebApplication app, string dataDirectory, Uri address)
    {
        _app = app;
        _dataDirectory = dataDirectory;
        Address = address;
        Http = new HttpClient { BaseAddress = address };
    }

    public Uri Address { get; }

    /// <summary>For pushing test content through <c>/v2/</c>.</summary>
    public HttpClient Http { get; }

    public static async Task<RegistryCliServer> StartAsync()
    {
        var data = Path.Combine(Path.GetTempPath(), $"wharf-cli-registry-{Guid.NewGuid():N}");
        var app = WharfServer.Build(
        [
            "--urls=http://127.0.0.1:0",
            $"--Wharf:DataDirectory={data}",
            "--Wharf:Registry:GarbageCollectionGracePeriod=00:00:00",
            "--Wharf:Registry:GarbageCollectionInterval=00:00:00",
        ]);
        await app.StartAsync();
        var address = app.Services.GetRequiredService<IServer>().Features.GetRequiredFeature<IServerAddressesFeature>().Addresses.Single();
        return new RegistryCliServer(app, data, new Uri(address));
    }

    /// <summary>Runs <c>wharf</c> against this server.</summary>
    public Task<(int ExitCode, string Stdout, string Stderr)> RunAsync(params string[] args)
        => CliRun.RunAsync([.. args, "--server", Address.ToString()]);

    public async ValueTask DisposeAsync()
    {
        Http.Dispose();
        await _app.StopAsync();
        await _app.DisposeAsync();
        Directory.Delete(_dataDirectory, recursive: true);
    }
}
