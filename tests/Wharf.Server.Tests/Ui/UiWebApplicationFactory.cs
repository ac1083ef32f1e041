using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;

namespace Wharf.Server.Tests.Ui;

/// <summary>The real server in process, with its own temp data directory that is deleted on dispose.</summary>
internal sealed class UiWebApplicationFactory : WebApplicationFactory<Program>
{
    public string DataDirectory { get; } = Directory.CreateTempSubdirectory("wharf-ui-test-").FullName;

    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        builder.UseSetting("Wharf:DataDirectory", DataDirectory);
        // Production: the UI must not depend on development-only static web assets.
        builder.UseEnvironment("Production");
    }

    protected override void ConfigureClient(HttpClient client)
    {
        base.ConfigureClient(client);
        _ = Services;
        client.DefaultRequestHeaders.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue("Bearer", Infrastructure.AdminTokens.Read(DataDirectory));
    }

    public override async ValueTask DisposeAsync()
    {
        await base.DisposeAsync();
        Directory.Delete(DataDirectory, recursive: true);
    }
}
