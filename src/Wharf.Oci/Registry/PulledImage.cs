namespace Wharf.Oci.Registry;

/// <summary>What a pull fetched.</summary>
/// <param name="Manifest">The image manifest whose blobs were written.</param>
/// <param name="Index">The index the reference named, when it named one (the manifest is its platform's entry).</param>
public sealed record PulledImage(RegistryManifest Manifest, RegistryManifest? Index);
