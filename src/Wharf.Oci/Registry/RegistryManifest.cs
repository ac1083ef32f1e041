namespace Wharf.Oci.Registry;

/// <summary>A manifest or index as fetched from a registry: its exact bytes, verified against its digest, and their parse.</summary>
/// <param name="Content">The bytes exactly as served (the digest is of these).</param>
/// <param name="MediaType">The manifest's media type.</param>
/// <param name="Digest">The digest of <paramref name="Content"/>.</param>
/// <param name="Manifest">The parsed manifest.</param>
public sealed record RegistryManifest(ReadOnlyMemory<byte> Content, string MediaType, Digest Digest, Manifest Manifest)
{
    /// <summary>A descriptor pointing at this manifest.</summary>
    public Descriptor Descriptor => new(MediaType, Digest, Content.Length);
}
