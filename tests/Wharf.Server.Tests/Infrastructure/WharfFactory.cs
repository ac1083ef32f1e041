using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;
using Wharf.Server.Hosting;

namespace Wharf.Server.Tests.Infrastructure;

/// <summary>
/// The real server in-process (real SQLite file, real blob files) on its own temp data directory.
/// Extra settings go through <see cref="Settings"/> before the first client is created. Clients from
/// <c>CreateClient</c> send the bootstrap administrator's token; <see cref="CreateAnonymousClient"/> sends none.
/// </summary>
public sealed class WharfFactory : WebApplicationFactory<WharfServer>
{
    private readonly TempDirectory _data = new("wharf-server");

    public string DataDirectory => _data.Path;

    public Dictionary<string, string?> Settings { get; } = new(StringComparer.Ordinal);

    /// <summary>The bootstrap administrator's token, as the server wrote it to its data directory on first start.</summary>
    public string AdminToken
    {
        get
        {
            _ = Services; // starts the server, which writes the file
            return AdminTokens.Read(_data.Path);
        }
    }

    /// <summary>A client that sends no credentials (and, unless asked, does not follow redirects: they are answers).</summary>
    public HttpClient CreateAnonymousClient(bool followRedirects = false)
    {
        var client = CreateClient(new WebApplicationFactoryClientOptions { AllowAutoRedirect = followRedirects });
        client.DefaultRequestHeaders.Authorization = null;
        return client;
    }

    protected override void ConfigureClient(HttpClient client)
    {
        base.ConfigureClient(client);
        client.DefaultRequestHeaders.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue("Bearer", AdminToken);
    }

    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        builder.UseSetting("Wharf:DataDirectory", _data.Path);
        foreach (var (key, value) in Settings)
        {
            builder.UseSetting(key, value);
        }
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
