using System.Net;
using Wharf.Oci.Building;
using Wharf.Oci.Layout;

namespace Wharf.Oci.Registry;

/// <summary>
/// Reads images from a repository of a registry for <see cref="ImageBuilder"/>: a base image, or the blobs of an
/// existing layer (a model version's). Manifests and blobs are verified against their digests as they are read.
/// </summary>
/// <param name="client">The client (its credentials and settings apply).</param>
/// <param name="repository">The repository read from; its tag and digest are ignored.</param>
public sealed class RegistryImageSource(RegistryClient client, ImageReference repository) : IImageSource
{
    /// <summary>The repository this source reads.</summary>
    public ImageReference Repository { get; } = repository ?? throw new ArgumentNullException(nameof(repository));

    /// <inheritdoc />
    /// <exception cref="ImageBuildException">The repository has no such manifest (the message names the reference).</exception>
    public async Task<ManifestContent> GetManifestAsync(string reference, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(reference);
        ImageReference target;
        try
        {
            target = Digest.TryParse(reference, out var digest)
                ? Repository.InRepository(Repository.Repository).WithDigest(digest)
                : Repository.WithTag(reference);
        }
        catch (FormatException ex)
        {
            throw new ImageBuildException($"'{reference}' is neither a tag nor a digest: {ex.Message}", ex);
        }

        RegistryManifest manifest;
        try
        {
            manifest = await client.GetManifestAsync(target, cancellationToken).ConfigureAwait(false);
        }
        catch (RegistryException ex) when (IsMissing(ex))
        {
            throw new ImageBuildException($"{target} does not exist ({ex.Message})", ex);
        }

        return new ManifestContent(manifest.Descriptor, manifest.Manifest, manifest.Content);
    }

    /// <inheritdoc />
    public async Task<Stream> OpenBlobAsync(Descriptor descriptor, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(descriptor);
        try
        {
            return await client.OpenBlobAsync(Repository, descriptor, cancellationToken).ConfigureAwait(false);
        }
        catch (RegistryException ex) when (IsMissing(ex))
        {
            throw new ImageBuildException($"{Repository.Registry}/{Repository.Repository} has no blob {descriptor.Digest} ({ex.Message})", ex);
        }
    }

    private static bool IsMissing(RegistryException ex)
        => ex.StatusCode == HttpStatusCode.NotFound
            || ex.HasCode("MANIFEST_UNKNOWN") || ex.HasCode("NAME_UNKNOWN") || ex.HasCode("BLOB_UNKNOWN");
}
