using System.Net;

namespace Wharf.Server.Tests.Registry.Conformance;

/// <summary>Content that does not announce its length, so HTTP/1.1 clients send it with chunked transfer encoding.</summary>
public sealed class UnknownLengthContent(byte[] content) : HttpContent
{
    protected override Task SerializeToStreamAsync(Stream stream, TransportContext? context) =>
        SerializeToStreamAsync(stream, context, CancellationToken.None);

    protected override async Task SerializeToStreamAsync(Stream stream, TransportContext? context, CancellationToken cancellationToken)
    {
        // Two writes so the body really goes out as more than one piece.
        var half = content.Length / 2;
        await stream.WriteAsync(content.AsMemory(0, half), cancellationToken);
        await stream.FlushAsync(cancellationToken);
        await stream.WriteAsync(content.AsMemory(half), cancellationToken);
    }

    protected override bool TryComputeLength(out long length)
    {
        length = 0;
        return false;
    }
}
