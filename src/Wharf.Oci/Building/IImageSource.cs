using Wharf.Oci.Layout;

namespace Wharf.Oci.Building;

/// <summary>
/// Where a base image (or an existing layer) is read from: an OCI image layout (<see cref="OciLayoutImageSource"/>)
/// or, later, a registry. Implementations verify digests of what they return; the builder verifies again.
/// </summary>
public interface IImageSource
{
    /// <summary>Reads the manifest or index a reference names.</summary>
    /// <param name="reference">A tag (for a layout, its <c>org.opencontainers.image.ref.name</c>) or a digest (<c>sha256:...</c>).</param>
    /// <param name="cancellationToken">Cancels the read.</param>
    /// <exception cref="ImageBuildException">Nothing has that reference; the message lists what there is when the source can.</exception>
    Task<ManifestContent> GetManifestAsync(string reference, CancellationToken cancellationToken = default);

    /// <summary>Opens a blob (config or layer) for streaming.</summary>
    /// <param name="descriptor">The blob's descriptor.</param>
    /// <param name="cancellationToken">Cancels the open.</param>
    Task<Stream> OpenBlobAsync(Descriptor descriptor, CancellationToken cancellationToken = default);
}
