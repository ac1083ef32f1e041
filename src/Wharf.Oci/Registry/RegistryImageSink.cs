using Wharf.Oci.Building;

namespace Wharf.Oci.Registry;

/// <summary>
/// Writes images built by <see cref="ImageBuilder"/> to a repository of a registry. For each blob it asks whether the
/// target has it (HEAD), then whether a repository in <see cref="MountFrom"/> (on the same registry) has it and, if so,
/// mounts it there, so nothing is uploaded; only what neither has is uploaded (chunked and resumable, see
/// <c>RegistryClient.UploadBlobAsync</c>). The builder writes the manifest last, so a failed build never moves the tag.
/// </summary>
public sealed class RegistryImageSink : IImageSink
{
    private readonly RegistryClient _client;
    private readonly IProgress<TransferProgress>? _progress;

    /// <summary>Creates a sink.</summary>
    /// <param name="client">The client (its credentials and settings apply).</param>
    /// <param name="target">The repository written to; its tag and digest are ignored (the builder names the reference).</param>
    /// <param name="mountFrom">Repositories on the target's registry to mount blobs from, tried in order; those equal to the target are ignored.</param>
    /// <param name="progress">Receives each blob's state: checking, skipped, mounted, uploading, done.</param>
    public RegistryImageSink(RegistryClient client, ImageReference target, IEnumerable<string>? mountFrom = null, IProgress<TransferProgress>? progress = null)
    {
        ArgumentNullException.ThrowIfNull(client);
        ArgumentNullException.ThrowIfNull(target);
        var sources = (mountFrom ?? []).Where(r => !string.Equals(r, target.Repository, StringComparison.Ordinal)).Distinct(StringComparer.Ordinal).ToList();
        foreach (var source in sources)
        {
            if (!ImageReference.TryValidateRepository(source, out var error))
            {
                throw new ArgumentException($"mount source: {error}", nameof(mountFrom));
            }
        }

        _client = client;
        _progress = progress;
        Target = target;
        MountFrom = sources;
    }

    /// <summary>The repository written to.</summary>
    public ImageReference Target { get; }

    /// <summary>The repositories blobs are mounted from when they have them.</summary>
    public IReadOnlyList<string> MountFrom { get; }

    /// <summary>
    /// True when the target has the blob, or when it could be mounted from one of <see cref="MountFrom"/> (it has it now).
    /// </summary>
    /// <param name="descriptor">The blob's descriptor.</param>
    /// <param name="cancellationToken">Cancels the checks.</param>
    public async Task<bool> HasBlobAsync(Descriptor descriptor, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(descriptor);
        _progress?.Report(new TransferProgress(descriptor, 0, descriptor.Size, TransferState.Checking));
        if (await _client.BlobExistsAsync(Target, descriptor.Digest, cancellationToken).ConfigureAwait(false))
        {
            _progress?.Report(new TransferProgress(descriptor, 0, descriptor.Size, TransferState.Skipped));
            return true;
        }

        foreach (var source in MountFrom)
        {
            // Ask the source first: a mount the registry cannot do opens an upload session we would have to abandon.
            if (!await _client.BlobExistsAsync(Target.InRepository(source), descriptor.Digest, cancellationToken).ConfigureAwait(false))
            {
                continue;
            }

            try
            {
                var state = await _client.UploadBlobAsync(Target, descriptor, MountOnly, source, _progress, cancellationToken).ConfigureAwait(false);
                if (state is TransferState.Mounted or TransferState.Skipped)
                {
                    return true;
                }
            }
            catch (MountRefusedException)
            {
                // The registry answered the mount with an upload session (no access to the source, say): the
                // client aborted it; the blob is uploaded the ordinary way.
            }
        }

        return false;
    }

    /// <inheritdoc />
    public async Task<long> WriteBlobAsync(Descriptor descriptor, Stream content, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(descriptor);
        ArgumentNullException.ThrowIfNull(content);
        var opened = false;
        var start = content.CanSeek ? content.Position : 0;
        ValueTask<Stream> Open(Descriptor blob, CancellationToken token)
        {
            if (opened)
            {
                // A resume that needs bytes the registry lost: only a seekable stream can give them again.
                if (!content.CanSeek)
                {
                    throw new IOException($"the upload of {blob.Digest} must start over, and its content cannot be read again");
                }

                content.Position = start;
            }

            opened = true;
            return ValueTask.FromResult<Stream>(new NonClosingStream(content));
        }

        var state = await _client.UploadBlobAsync(Target, descriptor, Open, mountFrom: null, _progress, cancellationToken).ConfigureAwait(false);
        return state == TransferState.Done ? descriptor.Size : 0;
    }

    /// <inheritdoc />
    public async Task WriteManifestAsync(Descriptor descriptor, ReadOnlyMemory<byte> content, string reference, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(descriptor);
        ArgumentException.ThrowIfNullOrEmpty(reference);
        var target = Digest.TryParse(reference, out var digest) ? Target.WithDigest(digest) : Target.WithTag(reference);
        var stored = await _client.PutManifestAsync(target, content, descriptor.MediaType, cancellationToken).ConfigureAwait(false);
        if (stored != descriptor.Digest)
        {
            throw new DigestMismatchException(descriptor.Digest, stored, $"manifest bytes hash to {stored}, not to {descriptor.Digest}");
        }
    }

    private static ValueTask<Stream> MountOnly(Descriptor blob, CancellationToken cancellationToken)
        => throw new MountRefusedException();

    private sealed class MountRefusedException : Exception;

    /// <summary>Lets the client dispose what it opened without closing the builder's stream.</summary>
    private sealed class NonClosingStream(Stream inner) : Stream
    {
        public override bool CanRead => true;

        public override bool CanSeek => false;

        public override bool CanWrite => false;

        public override long Length => throw new NotSupportedException();

        public override long Position { get => throw new NotSupportedException(); set => throw new NotSupportedException(); }

        public override int Read(byte[] buffer, int offset, int count) => inner.Read(buffer, offset, count);

        public override ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default) => inner.ReadAsync(buffer, cancellationToken);

        public override Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) => inner.ReadAsync(buffer, offset, count, cancellationToken);

        public override void Flush()
        {
        }

        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

        public override void SetLength(long value) => throw new NotSupportedException();

        public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();
    }
}
