namespace Wharf.Client.Models;

/// <summary>One file of a model version: a layer of its OCI manifest.</summary>
/// <param name="Path">The file's path relative to the version (the layer's <c>org.opencontainers.image.title</c>).</param>
/// <param name="Digest">The sha256 digest of its bytes.</param>
/// <param name="Size">Its size in bytes.</param>
public sealed record ModelFileInfo(string Path, string Digest, long Size);
