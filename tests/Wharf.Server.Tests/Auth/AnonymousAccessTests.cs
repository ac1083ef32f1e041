using System.Net;
using System.Text.Json;
using Microsoft.AspNetCore.Mvc.Testing;
using Wharf.Server.Tests.Infrastructure;

namespace Wharf.Server.Tests.Auth;

/// <summary>
/// A request without credentials, on a fixed list of representative addresses of every surface: machine surfaces
/// answer 401 in their own format, UI pages redirect to the login page and come back, and only liveness answers.
/// </summary>
public sealed class AnonymousAccessTests : IDisposable
{
    private readonly WharfFactory factory = new();

    public void Dispose() => factory.Dispose();

    [Theory]
    [InlineData("/v2/")]
    [InlineData("/v2/_catalog")]
    [InlineData("/v2/p/r/tags/list")]
    [InlineData("/v2/p/r/manifests/latest")]
    [InlineData("/v2/p/r/blobs/sha256:0000000000000000000000000000000000000000000000000000000000000000")]
    public async Task Registry_Anonymous_401EnvelopeWithBearerChallenge(string path)
    {
        using var client = AnonymousClient();

        using var response = await client.GetAsync(path);

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        var challenge = response.Headers.WwwAuthenticate.Single();
        Assert.Equal("Bearer", challenge.Scheme);
        Assert.Contains("realm=\"http://localhost/auth/token\"", challenge.Parameter, StringComparison.Ordinal);
        using var json = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        Assert.Equal("UNAUTHORIZED", json.RootElement.GetProperty("errors")[0].GetProperty("code").GetString());
    }

    [Theory]
    [InlineData("/api/v1/status")]
    [InlineData("/api/v1/registry/repositories")]
    [InlineData("/api/v1/registry/tags?repository=p/r")]
    [InlineData("/api/v1/registry/fsck")]
    [InlineData("/api/v1/auth/whoami")]
    [InlineData("/metrics")]
    public async Task MachineSurface_Anonymous_401ProblemDetails(string path)
    {
        using var client = AnonymousClient();

        using var response = await client.GetAsync(path);

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        Assert.Equal("Bearer", response.Headers.WwwAuthenticate.Single().Scheme);
        using var json = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        Assert.Equal(401, json.RootElement.GetProperty("status").GetInt32());
    }

    [Theory]
    [InlineData("/")]
    [InlineData("/registry")]
    [InlineData("/registry?page=2")]
    public async Task UiPage_Anonymous_RedirectsToLoginWithReturnUrl(string path)
    {
        using var client = AnonymousClient();

        using var response = await client.GetAsync(path);

        Assert.Equal(HttpStatusCode.Redirect, response.StatusCode);
        Assert.Equal($"/login?returnUrl={Uri.EscapeDataString(path)}", response.Headers.Location?.OriginalString);
    }

    [Fact]
    public async Task Liveness_Anonymous_200()
    {
        using var client = AnonymousClient();

        using var response = await client.GetAsync("/healthz/live");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
    }

    private HttpClient AnonymousClient()
    {
        var client = factory.CreateClient(new WebApplicationFactoryClientOptions { AllowAutoRedirect = false });
        client.DefaultRequestHeaders.Authorization = null;
        return client;
    }
}
