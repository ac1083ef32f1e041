using System.Globalization;
using System.Net;
using System.Net.Http.Headers;
using System.Text.RegularExpressions;
using Microsoft.Extensions.DependencyInjection;
using Wharf.Server.Hosting;
using Wharf.Server.Ui.Layout;

namespace Wharf.Server.Tests.Ui;

/// <summary>The pages as HTML over HTTP, rendered on the server without a browser.</summary>
public sealed class UiPageTests
{
    public static TheoryData<string, string> CapabilitySections()
    {
        var data = new TheoryData<string, string>();
        foreach (var section in UiSections.Capabilities.Where(s => !s.Available))
        {
            data.Add(section.Path, section.Title);
        }

        return data;
    }

    [Theory]
    [MemberData(nameof(CapabilitySections))]
    public async Task Get_CapabilityPage_RendersHeadingNotYetNoticeAndActiveNavEntry(string path, string title)
    {
        await using var factory = new UiWebApplicationFactory();
        using var client = factory.CreateClient();

        using var response = await client.GetAsync(new Uri(path, UriKind.Relative));
        var html = await response.Content.ReadAsStringAsync();

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("text/html", response.Content.Headers.ContentType?.MediaType);
        Assert.Contains($"<h1>{title}</h1>", html, StringComparison.Ordinal);
        Assert.Contains($"<title>{title} · Wharf</title>", html, StringComparison.Ordinal);
        Assert.Contains("not yet available", html, StringComparison.OrdinalIgnoreCase);
        var current = Assert.Single(Regex.Matches(html, "<a [^>]*aria-current=\"page\"[^>]*>"));
        Assert.Contains($"href=\"{path}\"", current.Value, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Get_Overview_ShowsThisServersStatus()
    {
        await using var factory = new UiWebApplicationFactory();
        using var client = factory.CreateClient();
        var status = await factory.Services.GetRequiredService<ServerStatusReader>().ReadAsync();

        var html = await client.GetStringAsync(new Uri("/", UriKind.Relative));

        Assert.Equal(factory.DataDirectory, status.DataDirectory);
        Assert.Contains($"data-testid=\"version\">{status.Version}<", html, StringComparison.Ordinal);
        Assert.Contains($"data-testid=\"data-directory\">{factory.DataDirectory}<", html, StringComparison.Ordinal);
        Assert.Contains($"data-testid=\"database-provider\">{status.Database.Provider}<", html, StringComparison.Ordinal);
        Assert.Contains($"data-testid=\"blob-provider\">{status.Blobs.Provider}<", html, StringComparison.Ordinal);
        Assert.Contains(
            $"data-testid=\"blob-count\">{status.Blobs.Count.ToString("N0", CultureInfo.InvariantCulture)}<", html, StringComparison.Ordinal);
        Assert.Contains("<h1>Overview</h1>", html, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("/no-such-page")]
    [InlineData("/experiments/does/not/exist")]
    public async Task Get_UnknownPage_Returns404WithNotFoundPage(string path)
    {
        await using var factory = new UiWebApplicationFactory();
        using var client = factory.CreateClient();

        using var response = await client.GetAsync(new Uri(path, UriKind.Relative));
        var html = await response.Content.ReadAsStringAsync();

        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
        Assert.Equal("text/html", response.Content.Headers.ContentType?.MediaType);
        Assert.Contains("<h1>Page not found</h1>", html, StringComparison.Ordinal);
        Assert.Contains($"data-testid=\"missing-path\">{path}<", html, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Get_UnknownApiPath_KeepsProblemDetailsInsteadOfThePage()
    {
        await using var factory = new UiWebApplicationFactory();
        using var client = factory.CreateClient();

        using var response = await client.GetAsync(new Uri("/api/v1/no-such-resource", UriKind.Relative));

        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
    }

    [Fact]
    public async Task Post_UnknownPage_Returns404WithoutThePage()
    {
        await using var factory = new UiWebApplicationFactory();
        using var client = factory.CreateClient();

        using var response = await client.PostAsync(new Uri("/no-such-page", UriKind.Relative), new FormUrlEncodedContent([]));

        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
        Assert.Empty(await response.Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task Get_Stylesheet_ServedFromTheAssemblyAndRevalidatedByEtag()
    {
        await using var factory = new UiWebApplicationFactory();
        using var client = factory.CreateClient();
        var stylesheet = new Uri("/ui/wharf.css", UriKind.Relative);

        using var first = await client.GetAsync(stylesheet);
        var css = await first.Content.ReadAsStringAsync();
        using var again = new HttpRequestMessage(HttpMethod.Get, stylesheet);
        again.Headers.IfNoneMatch.Add(first.Headers.ETag!);
        using var second = await client.SendAsync(again);

        Assert.Equal(HttpStatusCode.OK, first.StatusCode);
        Assert.Equal("text/css", first.Content.Headers.ContentType?.MediaType);
        Assert.Contains(".nav-link.active", css, StringComparison.Ordinal);
        Assert.Equal(new CacheControlHeaderValue { NoCache = true }, first.Headers.CacheControl);
        Assert.Equal(HttpStatusCode.NotModified, second.StatusCode);
    }
}
