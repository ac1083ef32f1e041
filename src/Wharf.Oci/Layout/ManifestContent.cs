namespace Wharf.Oci.Layout;

/// <summary>A manifest or index as stored: its descriptor, its parsed form and the exact bytes its digest covers.</summary>
/// <param name="Descriptor">The descriptor of the stored bytes (media type, digest, size).</param>
/// <param name="Manifest">The parsed manifest or index.</param>
/// <param name="Content">The bytes as stored; the digest is of these bytes.</param>
public sealed record ManifestContent(Descriptor Descriptor, Manifest Manifest, ReadOnlyMemory<byte> Content);
