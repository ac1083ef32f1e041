using Microsoft.AspNetCore.Http;
using Microsoft.Net.Http.Headers;
using Wharf.Server.Storage;
using Wharf.Server.Tests.Infrastructure;

namespace Wharf.Server.Tests.Storage;

/// <summary>
/// The blob response on its own, against a real file and a non-file stream: status, headers and exact bytes for whole
/// bodies, ranges, preconditions and HEAD. The registry conformance tests cover the same through the server.
/// </summary>
public sealed class BlobContentResultTests : IDisposable
{
    // Larger than the result's 256 KiB chunk and not a multiple of it, so a whole GET takes several reads and a short last one.
    private const int Size = (600 * 1024) + 3;
    private static readonly EntityTagHeaderValue Tag = new("\"sha256:abc\"");

    private readonly TempDirectory _directory = new("wharf-blob-result");
    private readonly byte[] _content = new byte[Size];
    private readonly string _path;

    public BlobContentResultTests()
    {
        new Random(7).NextBytes(_content);
        _path = Path.Combine(_directory.Path, "blob");
        File.WriteAllBytes(_path, _content);
    }

    public void Dispose() => _directory.Dispose();

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public async Task Get_NoHeaders_SendsWholeContentWithValidators(bool file)
    {
        var (context, body) = Request("GET");

        await new BlobContentResult(Open(file), "application/octet-stream", Tag).ExecuteAsync(context);

        Assert.Equal(StatusCodes.Status200OK, context.Response.StatusCode);
        Assert.Equal(Size, context.Response.ContentLength);
        Assert.Equal("\"sha256:abc\"", context.Response.Headers.ETag.ToString());
        Assert.Equal("bytes", context.Response.Headers.AcceptRanges.ToString());
        Assert.Equal("application/octet-stream", context.Response.ContentType);
        Assert.Equal(_content, body.ToArray());
    }

    [Theory]
    [InlineData(true, "bytes=10-19", 10, 19)]
    [InlineData(false, "bytes=10-19", 10, 19)]
    [InlineData(true, "bytes=-5", Size - 5, Size - 1)]
    [InlineData(true, "bytes=300000-", 300000, Size - 1)]
    [InlineData(false, "bytes=262140-262150", 262140, 262150)]
    public async Task Get_SingleRange_SendsThatSlice(bool file, string range, int first, int last)
    {
        var (context, body) = Request("GET", (HeaderNames.Range, range));

        await new BlobContentResult(Open(file), "application/octet-stream", Tag).ExecuteAsync(context);

        Assert.Equal(StatusCodes.Status206PartialContent, context.Response.StatusCode);
        Assert.Equal($"bytes {first}-{last}/{Size}", context.Response.Headers.ContentRange.ToString());
        Assert.Equal(last - first + 1, context.Response.ContentLength);
        Assert.Equal(_content[first..(last + 1)], body.ToArray());
    }

    [Fact]
    public async Task Get_RangeOutsideContent_Answers416WithSize()
    {
        var (context, body) = Request("GET", (HeaderNames.Range, $"bytes={Size}-"));

        await new BlobContentResult(Open(file: true), "application/octet-stream", Tag).ExecuteAsync(context);

        Assert.Equal(StatusCodes.Status416RangeNotSatisfiable, context.Response.StatusCode);
        Assert.Equal($"bytes */{Size}", context.Response.Headers.ContentRange.ToString());
        Assert.Empty(body.ToArray());
    }

    [Theory]
    [InlineData("\"sha256:abc\"")]
    [InlineData("W/\"sha256:abc\"")]
    [InlineData("\"other\", \"sha256:abc\"")]
    [InlineData("*")]
    public async Task Get_IfNoneMatchCurrent_Answers304WithoutBody(string ifNoneMatch)
    {
        var (context, body) = Request("GET", (HeaderNames.IfNoneMatch, ifNoneMatch));

        await new BlobContentResult(Open(file: true), "application/octet-stream", Tag).ExecuteAsync(context);

        Assert.Equal(StatusCodes.Status304NotModified, context.Response.StatusCode);
        Assert.Equal("\"sha256:abc\"", context.Response.Headers.ETag.ToString());
        Assert.Empty(body.ToArray());
    }

    [Fact]
    public async Task Get_IfNoneMatchOther_SendsContent()
    {
        var (context, body) = Request("GET", (HeaderNames.IfNoneMatch, "\"sha256:old\""));

        await new BlobContentResult(Open(file: true), "application/octet-stream", Tag).ExecuteAsync(context);

        Assert.Equal(StatusCodes.Status200OK, context.Response.StatusCode);
        Assert.Equal(Size, body.Length);
    }

    [Theory]
    [InlineData(null)]
    [InlineData("\"sha256:abc\"")] // If-Match is weighed first (RFC 9110 13.2.2), so a current If-None-Match does not make it 304
    public async Task Get_IfMatchOther_Answers412WithoutBody(string? ifNoneMatch)
    {
        var (context, body) = ifNoneMatch is null
            ? Request("GET", (HeaderNames.IfMatch, "\"sha256:old\""))
            : Request("GET", (HeaderNames.IfMatch, "\"sha256:old\""), (HeaderNames.IfNoneMatch, ifNoneMatch));

        await new BlobContentResult(Open(file: true), "application/octet-stream", Tag).ExecuteAsync(context);

        Assert.Equal(StatusCodes.Status412PreconditionFailed, context.Response.StatusCode);
        Assert.Empty(body.ToArray());
    }

    [Fact]
    public async Task Get_IfRangeStale_SendsWholeContent()
    {
        var (context, body) = Request("GET", (HeaderNames.Range, "bytes=0-9"), (HeaderNames.IfRange, "\"sha256:old\""));

        await new BlobContentResult(Open(file: true), "application/octet-stream", Tag).ExecuteAsync(context);

        Assert.Equal(StatusCodes.Status200OK, context.Response.StatusCode);
        Assert.Equal(_content, body.ToArray());
    }

    [Fact]
    public async Task Get_IfRangeCurrent_SendsTheRange()
    {
        var (context, body) = Request("GET", (HeaderNames.Range, "bytes=0-9"), (HeaderNames.IfRange, "\"sha256:abc\""));

        await new BlobContentResult(Open(file: true), "application/octet-stream", Tag).ExecuteAsync(context);

        Assert.Equal(StatusCodes.Status206PartialContent, context.Response.StatusCode);
        Assert.Equal(_content[..10], body.ToArray());
    }

    [Fact]
    public async Task Head_SendsHeadersAndLengthOnly()
    {
        var (context, body) = Request("HEAD");

        await new BlobContentResult(Open(file: true), "application/octet-stream", Tag).ExecuteAsync(context);

        Assert.Equal(StatusCodes.Status200OK, context.Response.StatusCode);
        Assert.Equal(Size, context.Response.ContentLength);
        Assert.Empty(body.ToArray());
    }

    [Fact]
    public async Task Execute_DisposesTheStream()
    {
        var (context, _) = Request("HEAD");
        var stream = Open(file: true);

        await new BlobContentResult(stream, "application/octet-stream", Tag).ExecuteAsync(context);

        Assert.False(stream.CanRead);
    }

    [Fact]
    public async Task Get_WithDownloadName_SendsAttachment()
    {
        var (context, _) = Request("GET");

        await new BlobContentResult(Open(file: true), "image/svg+xml", Tag, downloadName: "plot.svg").ExecuteAsync(context);

        var disposition = ContentDispositionHeaderValue.Parse(context.Response.Headers.ContentDisposition.ToString());
        Assert.Equal("attachment", disposition.DispositionType.ToString());
        Assert.Equal("plot.svg", disposition.FileName.ToString().Trim('"'));
    }

    private Stream Open(bool file)
        => file ? new FileStream(_path, FileMode.Open, FileAccess.Read, FileShare.Read, 4096, FileOptions.Asynchronous) : new MemoryStream(_content, writable: false);

    private static (HttpContext Context, MemoryStream Body) Request(string method, params (string Name, string Value)[] headers)
    {
        var body = new MemoryStream();
        var context = new DefaultHttpContext();
        context.Request.Method = method;
        foreach (var (name, value) in headers)
        {
            context.Request.Headers[name] = value;
        }

        context.Response.Body = body;
        return (context, body);
    }
}
