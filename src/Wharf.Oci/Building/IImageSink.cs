using Wharf.Oci.Layout;

namespace Wharf.Oci.Building;

/// <summary>
/// Where a built image is written: an OCI image layout (<see cref="OciLayoutImageSink"/>) or, later, a registry.
/// The builder writes every blob first and the manifest last, so a failed build never leaves the reference
/// pointing at an incomplete image.
/// </summary>
public interface IImageSink
{
    /// <summary>True when the sink already has the blob (so it need not be written again).</summary>
    /// <param name="descriptor">The blob's descriptor.</param>
    /// <param name="cancellationToken">Cancels the check.</param>
    Task<bool> HasBlobAsync(Descriptor descriptor, CancellationToken cancellationToken = default);

    /// <summary>Stores a blob, verifying that <paramref name="content"/> has the descriptor's digest and size.</summary>
    /// <param name="descriptor">The blob's descriptor.</param>
    /// <param name="content">The bytes, read to the end.</param>
    /// <param name="cancellationToken">Cancels the write; nothing partial may become visible.</param>
    /// <returns>The bytes written: 0 when the blob turned out to be present already.</returns>
    Task<long> WriteBlobAsync(Descriptor descriptor, Stream content, CancellationToken cancellationToken = default);

    /// <summary>Stores a manifest and points <paramref name="reference"/> at it.</summary>
    /// <param name="descriptor">The manifest's descriptor (its media type, digest and size).</param>
    /// <param name="content">The manifest bytes.</param>
    /// <param name="reference">The tag or reference name.</param>
    /// <param name="cancellationToken">Cancels the write.</param>
    Task WriteManifestAsync(Descriptor descriptor, ReadOnlyMemory<byte> content, string reference, CancellationToken cancellationToken = default);
}
