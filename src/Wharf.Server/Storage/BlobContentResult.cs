using System.IO.Pipelines;
using Microsoft.Extensions.Primitives;
using Microsoft.Net.Http.Headers;

namespace Wharf.Server.Storage;

/// <summary>
/// Sends stored bytes as a response: the whole content (200), one byte range (206), or nothing when the client's copy
/// is current (304) or the request is a HEAD. Takes ownership of the stream. With a download name the content is sent
/// as an attachment.
/// </summary>
/// <remarks>
/// The framework's <c>TypedResults.Stream</c> does the same protocol work but copies the bytes three times (file into
/// a buffer, buffer into the response pipe, pipe into the socket) and reads each 64 KiB on a thread-pool hop, since
/// .NET reads files asynchronously on Unix by queueing a blocking read. Serving a 10 MiB registry blob, that was a
/// third of the server's CPU. Here a file is read with a positional read straight into the response pipe's memory: one copy fewer and no
/// hop. The read blocks the thread for a copy out of the page cache, which is what nginx does with its default
/// (non-aio) sendfile too. Other streams (the in-memory store) are read asynchronously into the same memory.
/// </remarks>
internal sealed class BlobContentResult(Stream content, string contentType, EntityTagHeaderValue entityTag, string? downloadName = null) : IResult
{
    // Large enough that flushes (each may wait for the socket) are few, small enough to stay in the shared array pool.
    private const int ChunkSize = 256 * 1024;

    public async Task ExecuteAsync(HttpContext httpContext)
    {
        await using var _ = content;
        var request = httpContext.Request;
        var response = httpContext.Response;
        var size = content.Length;

        response.ContentType = contentType;
        response.Headers.ETag = entityTag.ToString();
        response.Headers.AcceptRanges = "bytes";
        if (downloadName is not null)
        {
            var disposition = new ContentDispositionHeaderValue("attachment");
            disposition.SetHttpFileName(downloadName);
            response.Headers.ContentDisposition = disposition.ToString();
        }

        // Preconditions in RFC 9110's order (13.2.2): If-Match, then If-None-Match, then If-Range with Range.
        if (!Matches(request.Headers.IfMatch))
        {
            response.StatusCode = StatusCodes.Status412PreconditionFailed;
            return;
        }

        if (NoneMatch(request.Headers.IfNoneMatch))
        {
            response.StatusCode = StatusCodes.Status304NotModified;
            return;
        }

        var offset = 0L;
        var length = size;
        if (RangeApplies(request) && ByteRange.TryParseRange(request.Headers.Range.ToString(), size, out var range, out var satisfiable))
        {
            if (!satisfiable)
            {
                response.StatusCode = StatusCodes.Status416RangeNotSatisfiable;
                response.Headers.ContentRange = $"bytes */{size}";
                response.ContentLength = 0;
                return;
            }

            response.StatusCode = StatusCodes.Status206PartialContent;
            response.Headers.ContentRange = $"bytes {range.Start}-{range.End}/{size}";
            offset = range.Start;
            length = range.Length;
        }

        response.ContentLength = length;
        if (HttpMethods.IsHead(request.Method) || length == 0)
        {
            return;
        }

        await SendAsync(content, response.BodyWriter, offset, length, httpContext.RequestAborted);
    }

    private static async Task SendAsync(Stream content, PipeWriter writer, long offset, long length, CancellationToken cancellationToken)
    {
        var file = content as FileStream;
        if (file is null)
        {
            content.Seek(offset, SeekOrigin.Begin);
        }

        var remaining = length;
        while (remaining > 0)
        {
            var memory = writer.GetMemory((int)Math.Min(remaining, ChunkSize));
            if (memory.Length > remaining)
            {
                memory = memory[..(int)remaining];
            }

            var read = file is not null
                ? RandomAccess.Read(file.SafeFileHandle, memory.Span, offset)
                : await content.ReadAsync(memory, cancellationToken);
            if (read == 0)
            {
                // Stored bytes shorter than their recorded size: fail the response (the client sees a short body and
                // the connection closes) rather than pad it.
                throw new IOException($"the stored content ended {remaining} bytes early");
            }

            writer.Advance(read);
            offset += read;
            remaining -= read;
            var flushed = await writer.FlushAsync(cancellationToken);
            if (flushed.IsCompleted || flushed.IsCanceled)
            {
                return; // the client went away
            }
        }
    }

    private bool NoneMatch(StringValues header)
        => header.Count > 0
            && EntityTagHeaderValue.TryParseList(header, out var tags)
            && tags.Any(tag => tag.Equals(EntityTagHeaderValue.Any) || tag.Compare(entityTag, useStrongComparison: false));

    private bool Matches(StringValues header)
        => header.Count == 0
            || (EntityTagHeaderValue.TryParseList(header, out var tags)
                && tags.Any(tag => tag.Equals(EntityTagHeaderValue.Any) || tag.Compare(entityTag, useStrongComparison: true)));

    // If-Range with another validator means the client's partial copy is stale: send everything.
    private bool RangeApplies(HttpRequest request)
    {
        var ifRange = request.Headers.IfRange;
        return ifRange.Count == 0
            || (EntityTagHeaderValue.TryParse(ifRange.ToString(), out var tag) && tag.Compare(entityTag, useStrongComparison: true));
    }
}
