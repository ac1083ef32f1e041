using Wharf.Oci;
using Wharf.Oci.Building;
using Wharf.Oci.Layout;
using Wharf.Server.Registry;
using Wharf.Server.Storage;

namespace Wharf.Server.Images;

/// <summary>
/// One repository of Wharf's own registry as an <see cref="IImageSource"/>: manifests by tag or digest, and blobs linked
/// to that repository, read from the blob store. Nothing outside the server is ever contacted.
/// </summary>
internal sealed class RegistryImageSource(RegistryStore registry, IBlobStore blobs, string repository) : IImageSource
{
    public async Task<ManifestContent> GetManifestAsync(string reference, CancellationToken cancellationToken = default)
    {
        var isDigest = reference.Contains(':', StringComparison.Ordinal);
        var head = await registry.FindManifestHeadAsync(repository, reference, isDigest, cancellationToken)
            ?? throw new ImageBuildException($"'{repository}{(isDigest ? "@" : ":")}{reference}' does not exist in Wharf's registry");
        var content = await registry.FindManifestContentAsync(head.Id, cancellationToken)
            ?? throw new ImageBuildException($"'{repository}@{head.Digest}' was deleted while it was read");
        var manifest = ManifestParser.TryParse(content, head.MediaType, out var error)
            ?? throw new ImageBuildException($"'{repository}@{head.Digest}' does not parse: {error}");
        return new ManifestContent(new Descriptor(head.MediaType, Digest.Parse(head.Digest), head.Size), manifest, content);
    }

    public async Task<Stream> OpenBlobAsync(Descriptor descriptor, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(descriptor);
        if (await registry.FindReadableBlobSizeAsync(repository, descriptor.Digest.ToString(), cancellationToken) is null)
        {
            throw new ImageBuildException($"blob {descriptor.Digest} is not in repository '{repository}'");
        }

        return await blobs.OpenReadAsync(descriptor.Digest, cancellationToken)
            ?? throw new ImageBuildException($"the bytes of blob {descriptor.Digest} are missing from the blob store");
    }
}
