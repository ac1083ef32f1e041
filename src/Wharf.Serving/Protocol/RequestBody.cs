using System.Buffers;
using Microsoft.AspNetCore.Http.Features;

namespace Wharf.Serving.Protocol;

/// <summary>
/// Reads a request body whole (tensors are parsed from and, for binary data, sliced out of it) within
/// Serving:MaxRequestBytes: a declared Content-Length over the limit is refused before reading anything, and a body
/// without one is counted while it streams in.
/// </summary>
internal static class RequestBody
{
    public static async Task<ReadOnlyMemory<byte>> ReadAsync(HttpRequest request, long limit, CancellationToken cancellationToken)
    {
        limit = Math.Min(limit, Array.MaxLength);

        // Kestrel's own limit (30 MB) would answer in its own format; this server enforces its limit itself.
        if (request.HttpContext.Features.Get<IHttpMaxRequestBodySizeFeature>() is { IsReadOnly: false } sizeFeature)
        {
            sizeFeature.MaxRequestBodySize = null;
        }

        if (request.ContentLength is long declared)
        {
            if (declared > limit)
            {
                throw TooLarge(limit);
            }

            var buffer = new byte[declared];
            var read = 0;
            while (read < buffer.Length)
            {
                var count = await request.Body.ReadAsync(buffer.AsMemory(read), cancellationToken);
                if (count == 0)
                {
                    throw ProtocolException.BadRequest($"the body ended after {read} of the {declared} bytes announced");
                }

                read += count;
            }

            return buffer;
        }

        using var stream = new MemoryStream();
        var chunk = ArrayPool<byte>.Shared.Rent(64 * 1024);
        try
        {
            int count;
            while ((count = await request.Body.ReadAsync(chunk, cancellationToken)) > 0)
            {
                if (stream.Length + count > limit)
                {
                    throw TooLarge(limit);
                }

                stream.Write(chunk, 0, count);
            }
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(chunk);
        }

        return stream.GetBuffer().AsMemory(0, (int)stream.Length);
    }

    private static ProtocolException TooLarge(long limit) => new(
        StatusCodes.Status413PayloadTooLarge, $"the request body is larger than the limit of {limit} bytes (Serving:MaxRequestBytes)");
}
