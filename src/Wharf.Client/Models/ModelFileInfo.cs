namespace Wharf.Client.Models;

/// <summary>
/// One file of a model version, carried by one layer of its OCI manifest. Since model files became tar layers (so the
/// model image reuses them), the layer is an uncompressed tar holding the file at <c>model/&lt;path&gt;</c> and
/// <see cref="Digest"/> and <see cref="Size"/> are the raw file's (from the layer's annotations); in a version registered
/// before, the layer is the raw file itself and both digests are the same.
/// </summary>
/// <param name="Path">The file's path relative to the version (the layer's <c>org.opencontainers.image.title</c>).</param>
/// <param name="Digest">The sha256 digest of the file's bytes.</param>
/// <param name="Size">The file's size in bytes.</param>
/// <param name="LayerDigest">The digest of the layer that carries the file; null when not known.</param>
/// <param name="LayerSize">The layer's size in bytes (0 when not known).</param>
/// <param name="LayerMediaType">The layer's media type: <c>application/vnd.oci.image.layer.v1.tar</c>, or <c>application/octet-stream</c> for a raw-file layer.</param>
public sealed record ModelFileInfo(string Path, string Digest, long Size, string? LayerDigest = null, long LayerSize = 0, string? LayerMediaType = null);
