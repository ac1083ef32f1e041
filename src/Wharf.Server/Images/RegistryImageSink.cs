using Wharf.Oci;
using Wharf.Oci.Building;
using Wharf.Server.Registry;
using Wharf.Server.Storage;

namespace Wharf.Server.Images;

/// <summary>
/// A repository of Wharf's own registry as an <see cref="IImageSink"/>, as <see cref="Models.ModelStore"/> pushes a
/// version: every blob recorded and linked into the repository, the manifest put last (refused if anything it names is
/// missing) and tagged. A blob already in the store (a base layer, a model version's layer, the runtime layer) is only
/// linked: <see cref="HasBlobAsync"/> links it and answers true, so the builder never copies its bytes.
/// </summary>
internal sealed class RegistryImageSink(RegistryStore registry, IBlobStore blobs, RegistryRepository repository) : IImageSink
{
    /// <summary>Blob bytes this sink stored that the store did not hold before.</summary>
    public long NewBlobBytes { get; private set; }

    public async Task<bool> HasBlobAsync(Descriptor descriptor, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(descriptor);
        return await registry.FindLinkedBlobSizeAsync(repository.Id, descriptor.Digest, cancellationToken) == descriptor.Size
            || await registry.RecordPublishedBlobAsync(repository.Id, descriptor.Digest, descriptor.Size, cancellationToken);
    }

    public async Task<long> WriteBlobAsync(Descriptor descriptor, Stream content, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(descriptor);
        var written = await blobs.WriteAsync(content, descriptor.Digest, cancellationToken);
        if (written.Size != descriptor.Size)
        {
            throw new ImageBuildException($"blob {descriptor.Digest} is {written.Size} bytes, not {descriptor.Size}");
        }

        if (!await registry.RecordPublishedBlobAsync(repository.Id, written.Digest, written.Size, cancellationToken))
        {
            throw new ImageBuildException($"blob {descriptor.Digest} vanished right after it was written (garbage collection?); the build will be retried");
        }

        var bytes = written.Created ? written.Size : 0;
        NewBlobBytes += bytes;
        return bytes;
    }

    public async Task WriteManifestAsync(Descriptor descriptor, ReadOnlyMemory<byte> content, string reference, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(descriptor);
        var bytes = content.ToArray();
        if (Digest.Sha256(bytes) != descriptor.Digest)
        {
            throw new ImageBuildException($"manifest bytes do not hash to {descriptor.Digest}");
        }

        var manifest = ManifestParser.TryParse(bytes, descriptor.MediaType, out var error)
            ?? throw new ImageBuildException($"the built manifest does not parse: {error}");
        var missing = await registry.PutManifestAsync(repository, descriptor.Digest, bytes, manifest, reference, cancellationToken);
        if (missing.Count > 0)
        {
            throw new ImageBuildException($"blobs vanished before the manifest was pushed: {string.Join(", ", missing)}");
        }
    }
}
