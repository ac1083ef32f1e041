using System.Net;

namespace Wharf.Server.Tests.Registry.Conformance;

/// <summary>
/// A body that announces <paramref name="declaredLength"/> bytes in Content-Length but sends only <paramref name="sent"/>:
/// a client that died mid-request. Over a socket the client gives up and the connection closes early; in process the
/// server sees a body that ends short.
/// </summary>
public sealed class TruncatedContent(byte[] sent, long declaredLength) : HttpContent
{
    protected override Task SerializeToStreamAsync(Stream stream, TransportContext? context) =>
        SerializeToStreamAsync(stream, context, CancellationToken.None);

    protected override async Task SerializeToStreamAsync(Stream stream, TransportContext? context, CancellationToken cancellationToken) =>
        await stream.WriteAsync(sent, cancellationToken);

    protected override bool TryComputeLength(out long length)
    {
        length = declaredLength;
        return true;
    }
}
