namespace Wharf.Oci;

/// <summary>
/// A parsed and validated manifest or index: the facts a registry needs from it, with the original bytes kept
/// elsewhere (the digest is always of the bytes as pushed).
/// </summary>
/// <param name="MediaType">The manifest's media type.</param>
/// <param name="Config">The config descriptor (image manifests only).</param>
/// <param name="Layers">The layer descriptors (image manifests only).</param>
/// <param name="Manifests">The child manifests (indexes and manifest lists only).</param>
/// <param name="Subject">The manifest this one refers to, for the referrers API.</param>
/// <param name="ArtifactType">The artifact type: the field itself, else the config media type of an image manifest.</param>
/// <param name="Annotations">The manifest's annotations.</param>
public sealed record Manifest(
    string MediaType,
    Descriptor? Config,
    IReadOnlyList<Descriptor> Layers,
    IReadOnlyList<Descriptor> Manifests,
    Descriptor? Subject,
    string? ArtifactType,
    IReadOnlyDictionary<string, string>? Annotations)
{
    /// <summary>True for indexes and manifest lists.</summary>
    public bool IsIndex => MediaTypes.IsIndex(MediaType);

    /// <summary>The blobs this manifest needs to exist: its config and layers.</summary>
    public IEnumerable<Descriptor> Blobs => Config is null ? Layers : Layers.Prepend(Config);
}
