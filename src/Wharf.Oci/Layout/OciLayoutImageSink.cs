using Wharf.Oci.Building;

namespace Wharf.Oci.Layout;

/// <summary>Writes images built by <see cref="ImageBuilder"/> into an OCI image layout; the reference becomes the ref name in index.json.</summary>
/// <param name="layout">The layout.</param>
public sealed class OciLayoutImageSink(OciImageLayout layout) : IImageSink
{
    /// <inheritdoc />
    public Task<bool> HasBlobAsync(Descriptor descriptor, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(descriptor);
        return Task.FromResult(layout.HasBlob(descriptor.Digest));
    }

    /// <inheritdoc />
    public async Task<long> WriteBlobAsync(Descriptor descriptor, Stream content, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(descriptor);
        var result = await layout.WriteBlobAsync(content, descriptor.Digest, descriptor.Size, cancellationToken);
        return result.BytesWritten;
    }

    /// <inheritdoc />
    public async Task WriteManifestAsync(Descriptor descriptor, ReadOnlyMemory<byte> content, string reference, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(descriptor);
        var actual = Digest.FromHash(descriptor.Digest.Algorithm, HashOf(descriptor.Digest, content.Span));
        if (actual != descriptor.Digest || content.Length != descriptor.Size)
        {
            throw new InvalidDataException($"manifest bytes hash to {actual} ({content.Length} bytes), not to {descriptor.Digest} ({descriptor.Size} bytes)");
        }

        await layout.WriteManifestAsync(content, descriptor.MediaType, reference, cancellationToken);
    }

    private static byte[] HashOf(Digest digest, ReadOnlySpan<byte> content)
    {
        using var hash = digest.CreateHash();
        hash.AppendData(content);
        return hash.GetHashAndReset();
    }
}
