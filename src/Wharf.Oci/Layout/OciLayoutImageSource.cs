using Wharf.Oci.Building;

namespace Wharf.Oci.Layout;

/// <summary>Reads images from an OCI image layout for <see cref="ImageBuilder"/>.</summary>
/// <param name="layout">The layout.</param>
public sealed class OciLayoutImageSource(OciImageLayout layout) : IImageSource
{
    /// <inheritdoc />
    public async Task<ManifestContent> GetManifestAsync(string reference, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(reference);
        try
        {
            if (Digest.TryParse(reference, out var digest))
            {
                var path = Path.Combine(layout.RootPath, "blobs", digest.Algorithm, digest.Hex);
                if (!layout.HasBlob(digest))
                {
                    throw new ImageBuildException($"layout '{layout.RootPath}' has no manifest {digest}");
                }

                // The media type is read from the manifest itself; the size from the file, bounded by the read.
                var size = Math.Min(new FileInfo(path).Length, OciImageLayout.MaxManifestBytes + 1L);
                return await layout.ReadManifestAsync(new Descriptor("application/octet-stream", digest, size), cancellationToken);
            }

            var descriptor = await layout.ResolveAsync(reference, cancellationToken);
            return await layout.ReadManifestAsync(descriptor, cancellationToken);
        }
        catch (OciLayoutException ex)
        {
            throw new ImageBuildException(ex.Message, ex);
        }
    }

    /// <inheritdoc />
    public async Task<Stream> OpenBlobAsync(Descriptor descriptor, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(descriptor);
        try
        {
            return await layout.OpenBlobAsync(descriptor.Digest, descriptor.Size, cancellationToken);
        }
        catch (OciLayoutException ex)
        {
            throw new ImageBuildException(ex.Message, ex);
        }
    }
}
