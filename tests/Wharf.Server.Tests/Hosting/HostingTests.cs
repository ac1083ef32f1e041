using System.Net;
using System.Net.Http.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using Wharf.Client;
using Wharf.Server.Hosting;
using Wharf.Server.Tests.Infrastructure;

namespace Wharf.Server.Tests.Hosting;

public sealed class HostingTests
{
    [Fact]
    public async Task Live_AnyTime_Returns200Healthy()
    {
        await using var factory = new WharfFactory();
        using var client = factory.CreateClient();

        using var response = await client.GetAsync("/healthz/live");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("Healthy", await response.Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task Ready_AfterStart_Returns200Healthy()
    {
        await using var factory = new WharfFactory();
        using var client = factory.CreateClient();

        using var response = await client.GetAsync("/healthz/ready");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("Healthy", await response.Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task Metrics_AfterRequests_ExposesPrometheusTextWithBuildInfoAndHttpCounters()
    {
        await using var factory = new WharfFactory();
        using var client = factory.CreateClient();
        (await client.GetAsync("/healthz/live")).Dispose();

        using var response = await client.GetAsync("/metrics");
        var text = await response.Content.ReadAsStringAsync();

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.StartsWith("text/plain", response.Content.Headers.ContentType?.MediaType, StringComparison.Ordinal);
        Assert.Contains($"wharf_build_info{{version=\"{HostingExtensions.Version}\"}} 1", text, StringComparison.Ordinal);
        Assert.Contains("http_requests_received_total", text, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Status_FreshServer_ReportsDataDirectoryAndProviders()
    {
        await using var factory = new WharfFactory();
        var client = new WharfClient(factory.CreateClient());

        var status = await client.GetStatusAsync();

        Assert.Equal(HostingExtensions.Version, status.Version);
        Assert.Equal(factory.DataDirectory, status.DataDirectory);
        Assert.Equal("sqlite", status.Database.Provider);
        Assert.Equal(0, status.Blobs.Count);
        Assert.Equal(0, status.Blobs.TotalBytes);
    }

    [Fact]
    public async Task Api_UnknownRoute_Returns404ProblemDetails()
    {
        await using var factory = new WharfFactory();
        using var client = factory.CreateClient();

        using var response = await client.GetAsync("/api/v1/does-not-exist");
        var problem = await response.Content.ReadFromJsonAsync(WharfJsonContext.Default.ProblemDetailsPayload);

        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        Assert.Equal(404, problem?.Status);
    }

    [Fact]
    public async Task Api_UnhandledException_Returns500ProblemDetailsWithoutStackTrace()
    {
        await using var factory = new WharfFactory();
        using var client = factory.WithWebHostBuilder(b => b.ConfigureServices(s =>
            s.AddSingleton<IStartupFilter>(new ThrowingEndpointFilter("/api/v1/boom")))).CreateClient();

        using var response = await client.GetAsync("/api/v1/boom");
        var body = await response.Content.ReadAsStringAsync();

        Assert.Equal(HttpStatusCode.InternalServerError, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        Assert.DoesNotContain("secret-internal-detail", body, StringComparison.Ordinal);
        Assert.DoesNotContain("   at ", body, StringComparison.Ordinal);
    }

    [Fact]
    public async Task UiPage_FirstRequest_KeepsDataProtectionKeysInTheDataDirectory()
    {
        await using var factory = new WharfFactory();
        using var client = factory.CreateClient();

        using var response = await client.GetAsync("/");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var keys = Path.Combine(factory.DataDirectory, "keys");
        Assert.True(Directory.Exists(keys), "antiforgery keys are kept in <data>/keys");
        Assert.NotEmpty(Directory.GetFiles(keys, "key-*.xml"));
    }

    [Fact]
    public async Task Start_EmptyDataDirectory_FailsNamingTheConfigurationKey()
    {
        var app = WharfServer.Build(["--urls=http://127.0.0.1:0", "--Wharf:DataDirectory="]);
        await using (app)
        {
            var ex = await Assert.ThrowsAsync<OptionsValidationException>(() => app.StartAsync());
            Assert.Contains("Wharf:DataDirectory", ex.Message, StringComparison.Ordinal);
        }
    }

    /// <summary>Appends a middleware after the app's own pipeline that throws for one path, as a bug would.</summary>
    private sealed class ThrowingEndpointFilter(string path) : IStartupFilter
    {
        public Action<IApplicationBuilder> Configure(Action<IApplicationBuilder> next) => app =>
        {
            next(app);
            app.Use((HttpContext context, RequestDelegate nextMiddleware) =>
                context.Request.Path == path
                    ? throw new InvalidOperationException("secret-internal-detail")
                    : nextMiddleware(context));
        };
    }
}
