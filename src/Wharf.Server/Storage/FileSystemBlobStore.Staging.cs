using System.Buffers;
using System.Collections.Concurrent;
using System.Security.Cryptography;
using Wharf.Oci;
using Wharf.Server.Hosting;

namespace Wharf.Server.Storage;

/// <summary>
/// Staged uploads of the filesystem store: <c>blobs/uploads/&lt;id&gt;</c>, a file that grows chunk by chunk and is
/// renamed into the digest tree on commit (same filesystem, so no copy). Unlike <c>tmp/</c>, this directory survives
/// restarts: an interrupted upload resumes from the bytes it holds. Every append is fsynced before it returns, so
/// the length a client is told is the length a crash leaves.
/// </summary>
internal sealed partial class FileSystemBlobStore
{
    internal const string UploadsDirectoryName = "uploads";
    internal const string StagedWriteFailpoint = "blob.stagedWrite";

    // Per-upload serialization (a client may send chunks concurrently by mistake) and the running sha256 of the
    // bytes staged so far, so a commit need not read the upload back. Both are caches: after a restart the lock is
    // re-created and the digest is computed from the file.
    private readonly ConcurrentDictionary<Guid, SemaphoreSlim> _stagingGates = new();
    private readonly ConcurrentDictionary<Guid, StagedHash> _stagedHashes = new();

    private string UploadsDirectory => Path.Combine(Root, UploadsDirectoryName);

    public Task<long?> GetStagedLengthAsync(Guid uploadId, CancellationToken cancellationToken = default)
    {
        var info = new FileInfo(StagedPath(uploadId));
        return Task.FromResult(info.Exists ? info.Length : (long?)null);
    }

    public async Task<long> AppendStagedAsync(Guid uploadId, long offset, Stream content, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(content);
        var gate = _stagingGates.GetOrAdd(uploadId, _ => new SemaphoreSlim(1, 1));
        await gate.WaitAsync(cancellationToken);
        var buffer = ArrayPool<byte>.Shared.Rent(ChunkSize);
        try
        {
            Directory.CreateDirectory(UploadsDirectory);
            await using var file = new FileStream(StagedPath(uploadId), new FileStreamOptions
            {
                Mode = FileMode.OpenOrCreate,
                Access = FileAccess.Write,
                Share = FileShare.Read | FileShare.Delete,
                BufferSize = 0,
            });
            if (file.Length != offset)
            {
                throw new BlobStagingOffsetException(offset, file.Length);
            }

            // Continue the running hash only when it covers exactly the bytes before this chunk.
            _stagedHashes.TryRemove(uploadId, out var state);
            if (state is not null && state.Length != offset)
            {
                state.Dispose();
                state = null;
            }

            state ??= offset == 0 ? new StagedHash() : null;
            file.Position = offset;
            try
            {
                int read;
                while ((read = await content.ReadAsync(buffer.AsMemory(0, ChunkSize), cancellationToken)) > 0)
                {
                    state?.Hash.AppendData(buffer, 0, read);
                    Failpoints.Hit(StagedWriteFailpoint);
                    await file.WriteAsync(buffer.AsMemory(0, read), cancellationToken);
                }

                file.Flush(flushToDisk: true);
            }
            catch
            {
                // All or nothing: a chunk that did not arrive whole leaves the upload as it was.
                state?.Dispose();
                file.SetLength(offset);
                file.Flush(flushToDisk: true);
                throw;
            }

            if (state is not null)
            {
                state.Length = file.Length;
                _stagedHashes[uploadId] = state;
            }

            return file.Length;
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
            gate.Release();
        }
    }

    public async Task<BlobWriteResult> CommitStagedAsync(Guid uploadId, Digest expected, CancellationToken cancellationToken = default)
    {
        if (expected.IsEmpty)
        {
            throw new ArgumentException("The expected digest is the empty default value.", nameof(expected));
        }

        var gate = _stagingGates.GetOrAdd(uploadId, _ => new SemaphoreSlim(1, 1));
        await gate.WaitAsync(cancellationToken);
        try
        {
            var path = StagedPath(uploadId);
            var info = new FileInfo(path);
            if (!info.Exists)
            {
                throw new KeyNotFoundException($"no staged upload {uploadId}");
            }

            var size = info.Length;
            Digest actual;
            if (_stagedHashes.TryRemove(uploadId, out var state) && state.Length == size && expected.Algorithm == "sha256")
            {
                actual = Digest.FromHash("sha256", state.Hash.GetHashAndReset());
            }
            else
            {
                actual = await HashFileAsync(path, expected.Algorithm, cancellationToken);
            }

            state?.Dispose();
            if (actual != expected)
            {
                File.Delete(path);
                Log.DigestMismatch(_logger, expected.ToString(), actual.ToString());
                throw new BlobDigestMismatchException(expected, actual);
            }

            Failpoints.Hit(BeforeRenameFailpoint);
            var created = Publish(path, actual, size);
            if (!created)
            {
                File.Delete(path);
            }

            FileSystemInterop.SyncDirectory(UploadsDirectory);
            Failpoints.Hit(AfterRenameFailpoint);
            Log.BlobWritten(_logger, actual.ToString(), size, created);
            return new BlobWriteResult(actual, size, created);
        }
        finally
        {
            gate.Release();
            _stagingGates.TryRemove(uploadId, out _);
        }
    }

    public async Task<bool> DeleteStagedAsync(Guid uploadId, CancellationToken cancellationToken = default)
    {
        var gate = _stagingGates.GetOrAdd(uploadId, _ => new SemaphoreSlim(1, 1));
        await gate.WaitAsync(cancellationToken);
        try
        {
            if (_stagedHashes.TryRemove(uploadId, out var state))
            {
                state.Dispose();
            }

            var path = StagedPath(uploadId);
            if (!File.Exists(path))
            {
                return false;
            }

            File.Delete(path);
            return true;
        }
        finally
        {
            gate.Release();
            _stagingGates.TryRemove(uploadId, out _);
        }
    }

    /// <summary>The staged file of an upload. Safe: the name is a GUID the server formats, never user text.</summary>
    private string StagedPath(Guid uploadId) => Path.Combine(UploadsDirectory, uploadId.ToString("N"));

    private static async Task<Digest> HashFileAsync(string path, string algorithm, CancellationToken cancellationToken)
    {
        await using var file = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read | FileShare.Delete, ChunkSize, FileOptions.Asynchronous | FileOptions.SequentialScan);
        using var hash = Digest.CreateHash(algorithm);
        var buffer = ArrayPool<byte>.Shared.Rent(ChunkSize);
        try
        {
            int read;
            while ((read = await file.ReadAsync(buffer.AsMemory(0, ChunkSize), cancellationToken)) > 0)
            {
                hash.AppendData(buffer, 0, read);
            }
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }

        return Digest.FromHash(algorithm, hash.GetHashAndReset());
    }

    /// <summary>The sha256 of an upload's first <see cref="Length"/> bytes, kept between its chunks.</summary>
    private sealed class StagedHash : IDisposable
    {
        public IncrementalHash Hash { get; } = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);

        public long Length { get; set; }

        public void Dispose() => Hash.Dispose();
    }
}
