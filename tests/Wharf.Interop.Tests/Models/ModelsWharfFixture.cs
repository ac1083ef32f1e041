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
using Wharf.Server.Tests.Events.Webhooks;

namespace Wharf.Interop.Tests.Models;

/// <summary>
/// Wharf in this process on real Kestrel (a free loopback port), as <see cref="Registry.KestrelWharfFixture"/>, with a
/// test event subscriber in its services: skopeo and the MLflow REST calls go over the socket, the subscriber records
/// what the outbox delivers in process, and a webhook receiver on loopback that the server is configured to allow.
/// </summary>
public sealed class ModelsWharfFixture : IAsyncLifetime
{
    private Factory _factory = null!;

    /// <summary><c>127.0.0.1:port</c>, as it appears in image references.</summary>
    public string Host { get; private set; } = "";

    public Uri BaseUrl { get; private set; } = null!;

    /// <summary>The loopback receiver, started before the server so that its address can be allowed.</summary>
    internal WebhookReceiver Receiver { get; private set; } = null!;

    /// <summary>The <c>models.alias-set</c> events the test subscriber received.</summary>
    internal RecordedEvents AliasEvents => _factory.Services.GetRequiredService<RecordedEvents>();

    /// <summary>
    /// A new project with a maintainer service account (maintainers may move aliases) and a token of it with every
    /// scope on that project only: the MLflow client and skopeo both use it, as a CI job would.
    /// </summary>
    internal async Task<(string Project, long ProjectId, string Account, string Token)> CreateProjectWithMaintainerAsync()
    {
        var name = $"e2e{Guid.NewGuid():N}"[..12];
        await using var scope = _factory.Services.CreateAsyncScope();
        var directory = scope.ServiceProvider.GetRequiredService<AuthDirectory>();
        var project = await directory.CreateProjectAsync(name);
        var account = await directory.CreateServiceAccountAsync(project.Id, "trainer", ProjectRole.Maintainer);
        var token = await scope.ServiceProvider.GetRequiredService<TokenService>().CreateAsync(
            PrincipalKind.ServiceAccount, account.Id, "e2e", [new TokenGrantRequest(project.Id, Scopes.All)]);
        return (name, project.Id, "trainer", token.Secret);
    }

    /// <summary>An owner service account of the project (owners manage webhooks) and a token of it.</summary>
    internal async Task<string> CreateOwnerTokenAsync(long projectId)
    {
        await using var scope = _factory.Services.CreateAsyncScope();
        var directory = scope.ServiceProvider.GetRequiredService<AuthDirectory>();
        var account = await directory.CreateServiceAccountAsync(projectId, "hooks", ProjectRole.Owner);
        var token = await scope.ServiceProvider.GetRequiredService<TokenService>().CreateAsync(
            PrincipalKind.ServiceAccount, account.Id, "e2e", [new TokenGrantRequest(projectId, Scopes.All)]);
        return token.Secret;
    }

    public async Task InitializeAsync()
    {
        Receiver = await WebhookReceiver.StartAsync();
        _factory = new Factory($"127.0.0.1:{Receiver.Port}");
        _factory.UseKestrel(0);
        _factory.StartServer();
        var address = new Uri(_factory.Services.GetRequiredService<IServer>().Features.GetRequiredFeature<IServerAddressesFeature>().Addresses.First());
        Host = $"127.0.0.1:{address.Port}";
        BaseUrl = new Uri($"http://{Host}/");
    }

    public async Task DisposeAsync()
    {
        if (_factory is not null)
        {
            await _factory.DisposeAsync();
        }

        if (Receiver is not null)
        {
            await Receiver.DisposeAsync();
        }
    }

    private sealed class Factory(string receiverAddress) : WebApplicationFactory<WharfServer>
    {
        private readonly TempDirectory _data = new("wi-models");

        protected override void ConfigureWebHost(IWebHostBuilder builder)
        {
            builder.UseSetting("Wharf:DataDirectory", _data.Path);
            // The receiver's exact address and port, nothing wider: every other loopback destination stays refused.
            builder.UseSetting("Wharf:Webhooks:AllowedNetworks:0", receiverAddress);
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
