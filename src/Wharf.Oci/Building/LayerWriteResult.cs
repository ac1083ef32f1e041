namespace Wharf.Oci.Building;

/// <summary>What writing a layer produced.</summary>
/// <param name="Descriptor">The layer's descriptor: media type, digest and size of the bytes written (compressed if gzip).</param>
/// <param name="DiffId">The digest of the uncompressed tar (the config's <c>rootfs.diff_ids</c> entry).</param>
/// <param name="UncompressedSize">The size of the uncompressed tar in bytes.</param>
public sealed record LayerWriteResult(Descriptor Descriptor, Digest DiffId, long UncompressedSize);
