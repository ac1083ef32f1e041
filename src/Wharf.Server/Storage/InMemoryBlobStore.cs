using System.Collections.Concurrent;
using System.Runtime.CompilerServices;
using Wharf.Oci;

namespace Wharf.Server.Storage;

/// <summary>
/// Blob store kept in process memory: the test double and a driver for throw-away servers. It still hashes while
/// it reads and publishes a blob only once complete, so it honours the same contract as the filesystem driver.
/// </summary>
internal sealed class InMemoryBlobStore : IBlobStore
{
    private readonly ConcurrentDictionary<Digest, byte[]> _blobs = new();
    private readonly ConcurrentDictionary<Guid, MemoryStream> _staged = new();

    public Task<long?> GetSizeAsync(Digest digest, CancellationToken cancellationToken = default)
        => Task.FromResult(_blobs.TryGetValue(Check(digest), out var bytes) ? (long?)bytes.LongLength : null);

    public Task<Stream?> OpenReadAsync(Digest digest, CancellationToken cancellationToken = default)
        => Task.FromResult(_blobs.TryGetValue(Check(digest), out var bytes) ? (Stream?)new MemoryStream(bytes, writable: false) : null);

    public async Task<BlobWriteResult> WriteAsync(Stream content, Digest? expected = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(content);
        if (expected is { IsEmpty: true })
        {
            throw new ArgumentException("The expected digest is the empty default value.", nameof(expected));
        }

        var algorithm = expected?.Algorithm ?? "sha256";
        using var hash = Digest.CreateHash(algorithm);
        using var buffer = new MemoryStream();
        var chunk = new byte[81920];
        int read;
        while ((read = await content.ReadAsync(chunk, cancellationToken)) > 0)
        {
            hash.AppendData(chunk, 0, read);
            buffer.Write(chunk, 0, read);
        }

        var actual = Digest.FromHash(algorithm, hash.GetHashAndReset());
        if (expected is { } e && e != actual)
        {
            throw new BlobDigestMismatchException(e, actual);
        }

        // A caller that gave up must not find the blob stored after all.
        cancellationToken.ThrowIfCancellationRequested();

        var bytes = buffer.ToArray();
        var created = _blobs.TryAdd(actual, bytes);
        return new BlobWriteResult(actual, bytes.LongLength, created);
    }

    public Task<bool> DeleteAsync(Digest digest, CancellationToken cancellationToken = default)
        => Task.FromResult(_blobs.TryRemove(Check(digest), out _));

    public async IAsyncEnumerable<BlobEntry> ListAsync([EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        foreach (var (digest, bytes) in _blobs)
        {
            cancellationToken.ThrowIfCancellationRequested();
            yield return new BlobEntry(digest, bytes.LongLength);
        }

        await Task.CompletedTask;
    }

    public Task<BlobStoreUsage> GetUsageAsync(CancellationToken cancellationToken = default)
    {
        long count = 0, total = 0;
        foreach (var bytes in _blobs.Values)
        {
            count++;
            total += bytes.LongLength;
        }

        return Task.FromResult(new BlobStoreUsage(count, total));
    }

    public Task<long?> GetStagedLengthAsync(Guid uploadId, CancellationToken cancellationToken = default)
    {
        if (!_staged.TryGetValue(uploadId, out var staged))
        {
            return Task.FromResult<long?>(null);
        }

        lock (staged)
        {
            return Task.FromResult<long?>(staged.Length);
        }
    }

    public async Task<long> AppendStagedAsync(Guid uploadId, long offset, Stream content, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(content);

        // Read the chunk first, so a failing stream leaves the staged bytes untouched (all or nothing).
        using var chunk = new MemoryStream();
        await content.CopyToAsync(chunk, cancellationToken);
        var staged = _staged.GetOrAdd(uploadId, _ => new MemoryStream());
        lock (staged)
        {
            if (staged.Length != offset)
            {
                throw new BlobStagingOffsetException(offset, staged.Length);
            }

            chunk.Position = 0;
            staged.Position = staged.Length;
            chunk.CopyTo(staged);
            return staged.Length;
        }
    }

    public async Task<BlobWriteResult> CommitStagedAsync(Guid uploadId, Digest expected, CancellationToken cancellationToken = default)
    {
        if (!_staged.TryRemove(uploadId, out var staged))
        {
            throw new KeyNotFoundException($"no staged upload {uploadId}");
        }

        byte[] bytes;
        lock (staged)
        {
            bytes = staged.ToArray();
        }

        using var input = new MemoryStream(bytes, writable: false);
        return await WriteAsync(input, expected, cancellationToken);
    }

    public Task<bool> DeleteStagedAsync(Guid uploadId, CancellationToken cancellationToken = default)
        => Task.FromResult(_staged.TryRemove(uploadId, out _));

    public Task CheckWritableAsync(CancellationToken cancellationToken = default) => Task.CompletedTask;

    private static Digest Check(Digest digest)
        => digest.IsEmpty ? throw new ArgumentException("The digest is the empty default value.", nameof(digest)) : digest;
}
