using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.Extensions.DependencyInjection;

namespace Wharf.Server.Tests.Infrastructure;

/// <summary>
/// The Wharf server in process but on real Kestrel, listening on a free loopback port: for clients that must talk
/// over a real socket (raw request targets, external tools). One per test class, as a class fixture.
/// </summary>
public sealed class KestrelWharfServer : IDisposable
{
    private readonly WharfFactory _factory = new();

    public KestrelWharfServer()
    {
        _factory.UseKestrel(0);
        _factory.StartServer();
        var address = _factory.Services.GetRequiredService<IServer>().Features.GetRequiredFeature<IServerAddressesFeature>().Addresses.First();
        Address = new Uri(address);
    }

    public Uri Address { get; }

    public string DataDirectory => _factory.DataDirectory;

    public IServiceProvider Services => _factory.Services;

    /// <summary>The bootstrap administrator's token.</summary>
    public string AdminToken => _factory.AdminToken;

    /// <summary>
    /// A client that sends the administrator's token and does not follow redirects: a redirect is an answer the tests
    /// look at.
    /// </summary>
    public HttpClient CreateClient()
    {
        var client = CreateAnonymousClient();
        client.DefaultRequestHeaders.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue("Bearer", AdminToken);
        return client;
    }

    /// <summary>A client that sends no credentials and does not follow redirects.</summary>
    public HttpClient CreateAnonymousClient() => new(new SocketsHttpHandler { AllowAutoRedirect = false }) { BaseAddress = Address };

    public void Dispose() => _factory.Dispose();
}
