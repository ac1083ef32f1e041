using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.Extensions.DependencyInjection;
using Wharf.Interop.Tests.Infrastructure;
using Wharf.Server.Auth;
using Wharf.Server.Events;
using Wharf.Server.Hosting;

namespace Wharf.Interop.Tests.Models;

/// <summary>
/// Wharf in this process on real Kestrel (a free loopback port), as <see cref="Registry.KestrelWharfFixture"/>, with a
/// test event subscriber in its services: skopeo and the MLflow REST calls go over the socket, the subscriber records
/// what the outbox delivers in process.
/// </summary>
public sealed class ModelsWharfFixture : IDisposable
{
    private readonly Factory _factory = new();

    public ModelsWharfFixture()
    {
        _factory.UseKestrel(0);
        _factory.StartServer();
        var address = new Uri(_factory.Services.GetRequiredService<IServer>().Features.GetRequiredFeature<IServerAddressesFeature>().Addresses.First());
        Host = $"127.0.0.1:{address.Port}";
        BaseUrl = new Uri($"http://{Host}/");
    }

    /// <summary><c>127.0.0.1:port</c>, as it appears in image references.</summary>
    public string Host { get; }

    public Uri BaseUrl { get; }

    /// <summary>The <c>models.alias-set</c> events the test subscriber received.</summary>
    internal RecordedEvents AliasEvents => _factory.Services.GetRequiredService<RecordedEvents>();

    /// <summary>
    /// A new project with a maintainer service account (maintainers may move aliases) and a token of it with every
    /// scope on that project only: the MLflow client and skopeo both use it, as a CI job would.
    /// </summary>
    internal async Task<(string Project, string Account, string Token)> CreateProjectWithMaintainerAsync()
    {
        var name = $"e2e{Guid.NewGuid():N}"[..12];
        await using var scope = _factory.Services.CreateAsyncScope();
        var directory = scope.ServiceProvider.GetRequiredService<AuthDirectory>();
        var project = await directory.CreateProjectAsync(name);
        var account = await directory.CreateServiceAccountAsync(project.Id, "trainer", ProjectRole.Maintainer);
        var token = await scope.ServiceProvider.GetRequiredService<TokenService>().CreateAsync(
            PrincipalKind.ServiceAccount, account.Id, "e2e", [new TokenGrantRequest(project.Id, Scopes.All)]);
        return (name, "trainer", token.Secret);
    }

    public void Dispose() => _factory.Dispose();

    private sealed class Factory : WebApplicationFactory<WharfServer>
    {
        private readonly TempDirectory _data = new("wi-models");

        protected override void ConfigureWebHost(IWebHostBuilder builder)
        {
            builder.UseSetting("Wharf:DataDirectory", _data.Path);
            // skopeo fetches a registry token per command, all from 127.0.0.1 (see KestrelWharfFixture).
            builder.UseSetting("Wharf:Auth:TokenEndpointPermitsPerMinute", "100000");
            builder.ConfigureServices(services =>
            {
                services.AddSingleton<RecordedEvents>();
                services.AddEventSubscriber<RecordingEventSubscriber>();
            });
        }

        protected override void Dispose(bool disposing)
        {
            base.Dispose(disposing);
            if (disposing)
            {
                _data.Dispose();
            }
        }
    }
}
