using System.Net;
using System.Text;

namespace Wharf.Client.Tests;

public sealed class WharfClientTests
{
    [Fact]
    public void ResolveServer_ExplicitValue_WinsOverDefault()
    {
        Assert.Equal(new Uri("http://127.0.0.1:9999/"), WharfClient.ResolveServer("http://127.0.0.1:9999"));
    }

    [Theory]
    [InlineData("not a url")]
    [InlineData("ftp://127.0.0.1/")]
    [InlineData("/relative/path")]
    public void ResolveServer_NotHttpUrl_ThrowsSayingWhy(string value)
    {
        var ex = Assert.Throws<ArgumentException>(() => WharfClient.ResolveServer(value));
        Assert.Contains("not an absolute http(s) URL", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Constructor_HttpClientWithoutBaseAddress_Throws()
    {
        using var http = new HttpClient();
        Assert.Throws<ArgumentException>(() => new WharfClient(http));
    }

    [Fact]
    public async Task GetStatusAsync_Success_ParsesCamelCaseBody()
    {
        const string body = """{"version":"1.2.3","dataDirectory":"/d","database":{"provider":"postgres","schemaVersion":"20260101_Initial"},"blobs":{"provider":"filesystem","count":2,"totalBytes":42}}""";
        var client = ClientAnswering(HttpStatusCode.OK, "application/json", body);

        var status = await client.GetStatusAsync();

        Assert.Equal(new ServerStatus("1.2.3", "/d", new DatabaseStatus("postgres", "20260101_Initial"), new BlobStoreStatus("filesystem", 2, 42)), status);
    }

    [Fact]
    public async Task GetStatusAsync_ProblemDetails_ThrowsWithDetail()
    {
        const string body = """{"type":"about:blank","title":"Service Unavailable","status":503,"detail":"database is locked"}""";
        var client = ClientAnswering(HttpStatusCode.ServiceUnavailable, "application/problem+json", body);

        var ex = await Assert.ThrowsAsync<WharfApiException>(() => client.GetStatusAsync());

        Assert.Equal(HttpStatusCode.ServiceUnavailable, ex.StatusCode);
        Assert.Equal("database is locked", ex.Problem?.Detail);
        Assert.Contains("503", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task GetStatusAsync_ErrorWithGarbageBody_ThrowsWithStatusOnly()
    {
        var client = ClientAnswering(HttpStatusCode.BadGateway, "application/json", "<html>proxy error</html>");

        var ex = await Assert.ThrowsAsync<WharfApiException>(() => client.GetStatusAsync());

        Assert.Equal(HttpStatusCode.BadGateway, ex.StatusCode);
        Assert.Null(ex.Problem);
    }

    private static WharfClient ClientAnswering(HttpStatusCode status, string mediaType, string body)
        => new(new HttpClient(new FixedHandler(status, mediaType, body)) { BaseAddress = new Uri("http://127.0.0.1:1/") });

    /// <summary>A handler that answers every request with one fixed response (a fake server, no socket).</summary>
    private sealed class FixedHandler(HttpStatusCode status, string mediaType, string body) : HttpMessageHandler
    {
        protected override Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
        {
            Assert.Equal("/api/v1/status", request.RequestUri?.AbsolutePath);
            return Task.FromResult(new HttpResponseMessage(status) { Content = new StringContent(body, Encoding.UTF8, mediaType) });
        }
    }
}
