namespace Wharf.Oci;

/// <summary>An OCI content descriptor: what a manifest says about a piece of content it points at.</summary>
/// <param name="MediaType">The media type of the referenced content.</param>
/// <param name="Digest">The digest of the referenced content.</param>
/// <param name="Size">The size in bytes of the referenced content.</param>
/// <param name="ArtifactType">The artifact type, for descriptors of artifact manifests.</param>
/// <param name="Annotations">Arbitrary metadata.</param>
/// <param name="Platform">The platform, for entries of an index.</param>
/// <param name="Urls">Where a non-distributable layer can be fetched from instead of the registry.</param>
public sealed record Descriptor(
    string MediaType,
    Digest Digest,
    long Size,
    string? ArtifactType = null,
    IReadOnlyDictionary<string, string>? Annotations = null,
    Platform? Platform = null,
    IReadOnlyList<string>? Urls = null)
{
    /// <summary>
    /// True for a layer that lists <see cref="Urls"/>: its content may legitimately be absent from the registry
    /// (the image specification's non-distributable layers).
    /// </summary>
    public bool IsForeign => Urls is { Count: > 0 };
}
