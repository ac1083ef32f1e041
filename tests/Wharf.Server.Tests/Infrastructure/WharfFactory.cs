using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;
using Wharf.Server.Hosting;

namespace Wharf.Server.Tests.Infrastructure;

/// <summary>
/// The real server in-process (real SQLite file, real blob files) on its own temp data directory.
/// Extra settings go through <see cref="Settings"/> before the first client is created.
/// </summary>
public sealed class WharfFactory : WebApplicationFactory<WharfServer>
{
    private readonly TempDirectory _data = new("wharf-server");

    public string DataDirectory => _data.Path;

    public Dictionary<string, string?> Settings { get; } = new(StringComparer.Ordinal);

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
