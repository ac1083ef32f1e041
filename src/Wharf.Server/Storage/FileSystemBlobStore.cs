using System.Buffers;
using System.Runtime.CompilerServices;
using Wharf.Oci;
using Wharf.Server.Hosting;

namespace Wharf.Server.Storage;

/// <summary>
/// The default blob store: one file per blob under a root directory, named by its digest.
/// </summary>
/// <remarks>
/// The path tree (the root is <c>Wharf:Storage:Path</c>, by default <c>&lt;data directory&gt;/blobs</c>):
/// <code>
/// blobs/
///   sha256/                  one directory per digest algorithm
///     ab/                    fan-out by the first two hex characters, so no directory grows past ~1/256 of the store
///       abcdef0123...        the blob, named by its full hex digest; immutable, complete and durable once here
///   sha512/
///     cd/cdef4567...
///   tmp/                     writes in flight, as &lt;random&gt;.part; on the same filesystem, so the final rename is
///                            atomic; anything here not held open by a live writer is a crash leftover, removed at start
/// </code>
/// A write streams into a temp file while hashing, verifies the digest, fsyncs the file, renames it into place
/// without replacing an existing name, and fsyncs the fan-out directory. A name under <c>sha256/</c> therefore only
/// ever refers to complete bytes that hash to it; concurrent writers of the same content race on the rename and
/// exactly one wins. Readers get their own handle, so deleting a blob never breaks a read in progress.
/// </remarks>
internal sealed partial class FileSystemBlobStore : IBlobStore
{
    internal const string TempDirectoryName = "tmp";
    internal const string TempSuffix = ".part";
    internal const string WriteFailpoint = "blob.write";
    internal const string BeforeRenameFailpoint = "blob.beforeRename";
    internal const string AfterRenameFailpoint = "blob.afterRename";

    // Large enough that a write costs few syscalls and hash calls per MiB, small enough to stay in the CPU cache and
    // to come from the shared array pool. Measured in benchmarks/Wharf.Benchmarks (BlobStoreBenchmarks).
    internal const int ChunkSize = 256 * 1024;

    private const string DefaultAlgorithm = "sha256";
    private static readonly string[] s_algorithms = ["sha256", "sha512"];

    private readonly string _tempDirectory;
    private readonly ILogger _logger;
    private readonly TimeProvider _timeProvider;

    // One lock and one "counted" flag per fan-out directory (2 algorithms x 256 prefixes). Publishing, deleting and
    // the usage count of that directory take its lock, which keeps the running totals exact without a global lock:
    // a change to a directory the count has not reached yet is left for the count to see.
    private readonly Lock[] _stripeLocks = new Lock[2 * 256];
    private readonly bool[] _stripeCounted = new bool[2 * 256];
    private readonly bool[] _stripeDirectoryExists = new bool[2 * 256];
    private readonly Lock _usageGate = new();
    private Task? _usageCount;
    private long _count;
    private long _totalBytes;

    public FileSystemBlobStore(string root, ILogger<FileSystemBlobStore> logger, TimeProvider timeProvider)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(root);
        Root = Path.GetFullPath(root);
        _tempDirectory = Path.Combine(Root, TempDirectoryName);
        _logger = logger;
        _timeProvider = timeProvider;
        for (var i = 0; i < _stripeLocks.Length; i++)
        {
            _stripeLocks[i] = new Lock();
        }

        Directory.CreateDirectory(_tempDirectory);
        foreach (var algorithm in s_algorithms)
        {
            Directory.CreateDirectory(Path.Combine(Root, algorithm));
        }

        FileSystemInterop.SyncDirectory(Root);
        RemoveStaleTempFiles();
        Log.StoreOpened(_logger, Root);
    }

    /// <summary>The absolute root directory of the store.</summary>
    public string Root { get; }

    public Task<long?> GetSizeAsync(Digest digest, CancellationToken cancellationToken = default)
    {
        var info = new FileInfo(PathOf(digest));
        return Task.FromResult(info.Exists ? info.Length : (long?)null);
    }

    public Task<Stream?> OpenReadAsync(Digest digest, CancellationToken cancellationToken = default)
    {
        var path = PathOf(digest);
        try
        {
            // FileShare.Delete: on Windows a reader must not stop the blob from being deleted (on Unix a read simply
            // keeps the unlinked inode alive).
            Stream stream = new FileStream(path, new FileStreamOptions
            {
                Mode = FileMode.Open,
                Access = FileAccess.Read,
                Share = FileShare.ReadWrite | FileShare.Delete,
                Options = FileOptions.Asynchronous | FileOptions.SequentialScan,
            });
            return Task.FromResult<Stream?>(stream);
        }
        catch (Exception ex) when (ex is FileNotFoundException or DirectoryNotFoundException)
        {
            return Task.FromResult<Stream?>(null);
        }
    }

    public async Task<BlobWriteResult> WriteAsync(Stream content, Digest? expected = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(content);
        if (expected is { IsEmpty: true })
        {
            throw new ArgumentException("The expected digest is the empty default value.", nameof(expected));
        }

        var algorithm = expected?.Algorithm ?? DefaultAlgorithm;
        var tempPath = Path.Combine(_tempDirectory, $"{Guid.NewGuid():N}{TempSuffix}");
        var buffer = ArrayPool<byte>.Shared.Rent(ChunkSize);
        var spare = ArrayPool<byte>.Shared.Rent(ChunkSize);
        FileStream? file = null;
        Task writing = Task.CompletedTask;
        try
        {
            using var hash = Digest.CreateHash(algorithm);
            long size = 0;
            int filled;
            do
            {
                // Two buffers: while one chunk is written (the write runs on the thread pool), the next is read from
                // the source and hashed, so a large write costs about max(hash, write) rather than their sum.
                filled = await FillAsync(content, buffer.AsMemory(0, ChunkSize), cancellationToken);
                hash.AppendData(buffer, 0, filled);

                // Created only once there are bytes to write (or at the end, for the empty blob), so a crash while
                // waiting for the first bytes leaves no zero-byte file behind.
                file ??= CreateTempFile(tempPath);
                await writing;
                if (filled > 0)
                {
                    Failpoints.Hit(WriteFailpoint);
                    writing = file.WriteAsync(buffer.AsMemory(0, filled), cancellationToken).AsTask();
                    size += filled;
                    (buffer, spare) = (spare, buffer);
                }
            }
            while (filled == ChunkSize);

            await writing;
            var actual = Digest.FromHash(algorithm, hash.GetHashAndReset());
            if (expected is { } wanted && wanted != actual)
            {
                Log.DigestMismatch(_logger, wanted.ToString(), actual.ToString());
                throw new BlobDigestMismatchException(wanted, actual);
            }

            // A caller that gave up must not find the blob stored after all.
            cancellationToken.ThrowIfCancellationRequested();

            // Durable before visible: without the fsync a crash right after the rename could leave a digest name on
            // an empty or partial file (ext4 and xfs allocate blocks lazily).
            file.Flush(flushToDisk: true);
            Failpoints.Hit(BeforeRenameFailpoint);

            var created = Publish(tempPath, actual, size);
            await file.DisposeAsync();
            file = null;
            if (!created)
            {
                // Identical content is already stored: this copy was never visible, so dropping it is all there is.
                File.Delete(tempPath);
            }

            Failpoints.Hit(AfterRenameFailpoint);
            Log.BlobWritten(_logger, actual.ToString(), size, created);
            return new BlobWriteResult(actual, size, created);
        }
        catch (Exception ex)
        {
            if (file is not null)
            {
                // The file may not be closed under a write still in flight; that write's own failure is secondary.
                await Task.WhenAny(writing);
                _ = writing.Exception;
                await file.DisposeAsync();
            }

            TryDeleteTempFile(tempPath);
            if (ex is OperationCanceledException)
            {
                Log.WriteCancelled(_logger);
            }
            else if (ex is not BlobDigestMismatchException)
            {
                Log.WriteFailed(_logger, ex);
            }

            throw;
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
            ArrayPool<byte>.Shared.Return(spare);
        }
    }

    public Task<bool> DeleteAsync(Digest digest, CancellationToken cancellationToken = default)
    {
        var path = PathOf(digest);
        var stripe = StripeOf(digest);
        lock (_stripeLocks[stripe])
        {
            long size;
            try
            {
                size = new FileInfo(path).Length;
            }
            catch (Exception ex) when (ex is FileNotFoundException or DirectoryNotFoundException)
            {
                return Task.FromResult(false);
            }

            File.Delete(path);
            if (_stripeCounted[stripe])
            {
                lock (_usageGate)
                {
                    _count--;
                    _totalBytes -= size;
                }
            }
        }

        FileSystemInterop.SyncDirectory(Path.GetDirectoryName(path)!);
        Log.BlobDeleted(_logger, digest.ToString());
        return Task.FromResult(true);
    }

    public async IAsyncEnumerable<BlobEntry> ListAsync([EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        foreach (var algorithm in s_algorithms)
        {
            for (var prefix = 0; prefix < 256; prefix++)
            {
                cancellationToken.ThrowIfCancellationRequested();
                foreach (var entry in EnumerateFanOutDirectory(algorithm, prefix))
                {
                    yield return entry;
                }
            }
        }

        await Task.CompletedTask;
    }

    public async Task<BlobStoreUsage> GetUsageAsync(CancellationToken cancellationToken = default)
    {
        Task count;
        lock (_usageGate)
        {
            // Counted once per process (the store may hold millions of blobs), then kept exact by every publish and
            // delete. A failed count is retried by the next caller.
            if (_usageCount is null || _usageCount.IsFaulted)
            {
                _usageCount = Task.Run(CountUsage, CancellationToken.None);
            }

            count = _usageCount;
        }

        await count.WaitAsync(cancellationToken);
        lock (_usageGate)
        {
            return new BlobStoreUsage(_count, _totalBytes);
        }
    }

    public async Task CheckWritableAsync(CancellationToken cancellationToken = default)
    {
        // The same steps a blob write takes, minus the rename: create in tmp/, write, fsync, remove.
        var probe = Path.Combine(_tempDirectory, $"probe-{Guid.NewGuid():N}{TempSuffix}");
        try
        {
            await using var file = new FileStream(probe, FileMode.CreateNew, FileAccess.Write, FileShare.Delete, bufferSize: 0);
            Failpoints.Hit(WriteFailpoint);
            await file.WriteAsync("wharf"u8.ToArray(), cancellationToken);
            file.Flush(flushToDisk: true);
        }
        finally
        {
            TryDeleteTempFile(probe);
        }
    }

    /// <summary>The file a digest is stored under. Safe because a parsed digest is an algorithm name and lowercase hex.</summary>
    internal string PathOf(Digest digest)
    {
        if (digest.IsEmpty)
        {
            throw new ArgumentException("The digest is the empty default value.", nameof(digest));
        }

        return Path.Combine(Root, digest.Algorithm, digest.Hex[..2], digest.Hex);
    }

    private static int StripeOf(Digest digest)
        => (digest.Algorithm == DefaultAlgorithm ? 0 : 256) + Convert.ToInt32(digest.Hex[..2], 16);

    private static async ValueTask<int> FillAsync(Stream content, Memory<byte> buffer, CancellationToken cancellationToken)
    {
        // Network streams return a few KiB per read; gathering a full chunk keeps writes and hash calls large.
        var filled = 0;
        while (filled < buffer.Length)
        {
            var read = await content.ReadAsync(buffer[filled..], cancellationToken);
            if (read == 0)
            {
                break;
            }

            filled += read;
        }

        return filled;
    }

    private static FileStream CreateTempFile(string path)
    {
        // No preallocation even when the length is known: the runtime reports a failed preallocation as a plain
        // IOException rather than ENOSPC, which would hide a full disk from IsDiskFull, and it measured no faster.
        // FileShare.Delete takes a shared lock on Unix, which is what tells the start-up sweep that a live writer
        // (possibly another process on the same directory) owns this file.
        return new FileStream(path, new FileStreamOptions
        {
            Mode = FileMode.CreateNew,
            Access = FileAccess.Write,
            Share = FileShare.Delete,
            BufferSize = 0,
        });
    }

    private bool Publish(string tempPath, Digest digest, long size)
    {
        var stripe = StripeOf(digest);
        var finalPath = PathOf(digest);
        var directory = Path.GetDirectoryName(finalPath)!;
        if (!Volatile.Read(ref _stripeDirectoryExists[stripe]))
        {
            if (!Directory.Exists(directory))
            {
                Directory.CreateDirectory(directory);
                FileSystemInterop.SyncDirectory(Path.GetDirectoryName(directory)!);
            }

            Volatile.Write(ref _stripeDirectoryExists[stripe], true);
        }

        lock (_stripeLocks[stripe])
        {
            if (!FileSystemInterop.TryRenameNoReplace(tempPath, finalPath))
            {
                return false;
            }

            if (_stripeCounted[stripe])
            {
                lock (_usageGate)
                {
                    _count++;
                    _totalBytes += size;
                }
            }
        }

        FileSystemInterop.SyncDirectory(directory);
        return true;
    }

    private IEnumerable<BlobEntry> EnumerateFanOutDirectory(string algorithm, int prefix)
    {
        var directory = new DirectoryInfo(Path.Combine(Root, algorithm, prefix.ToString("x2", null)));
        if (!directory.Exists)
        {
            yield break;
        }

        foreach (var file in directory.EnumerateFiles())
        {
            // Anything that is not a well-formed digest in its right place (an operator's stray file) is not a blob.
            if (!Digest.TryParse($"{algorithm}:{file.Name}", out var digest)
                || !file.Name.StartsWith(directory.Name, StringComparison.Ordinal))
            {
                continue;
            }

            long size;
            try
            {
                size = file.Length;
            }
            catch (FileNotFoundException)
            {
                continue; // deleted since the directory was read
            }

            yield return new BlobEntry(digest, size);
        }
    }

    private void CountUsage()
    {
        var started = _timeProvider.GetTimestamp();
        try
        {
            for (var i = 0; i < s_algorithms.Length; i++)
            {
                for (var prefix = 0; prefix < 256; prefix++)
                {
                    var stripe = (i * 256) + prefix;
                    lock (_stripeLocks[stripe])
                    {
                        if (_stripeCounted[stripe])
                        {
                            continue;
                        }

                        long count = 0, bytes = 0;
                        foreach (var entry in EnumerateFanOutDirectory(s_algorithms[i], prefix))
                        {
                            count++;
                            bytes += entry.Size;
                        }

                        lock (_usageGate)
                        {
                            _count += count;
                            _totalBytes += bytes;
                        }

                        _stripeCounted[stripe] = true;
                    }
                }
            }
        }
        catch (Exception ex)
        {
            // Start over next time: forget every directory counted so far, then the totals they contributed.
            for (var stripe = 0; stripe < _stripeLocks.Length; stripe++)
            {
                lock (_stripeLocks[stripe])
                {
                    _stripeCounted[stripe] = false;
                }
            }

            lock (_usageGate)
            {
                _count = 0;
                _totalBytes = 0;
            }

            Log.UsageCountFailed(_logger, ex);
            throw;
        }

        long counted, bytesCounted;
        lock (_usageGate)
        {
            (counted, bytesCounted) = (_count, _totalBytes);
        }

        Log.UsageCounted(_logger, counted, bytesCounted, (long)_timeProvider.GetElapsedTime(started).TotalMilliseconds);
    }

    private void RemoveStaleTempFiles()
    {
        var removed = 0;
        foreach (var path in Directory.EnumerateFiles(_tempDirectory))
        {
            try
            {
                // An exclusive lock fails while a live writer holds its shared one; a crashed writer's lock died with it.
                using (new FileStream(path, FileMode.Open, FileAccess.ReadWrite, FileShare.None, bufferSize: 0))
                {
                    File.Delete(path);
                }

                removed++;
            }
            catch (IOException) when (File.Exists(path))
            {
                // In use by a live writer.
            }
            catch (FileNotFoundException)
            {
                // Finished or abandoned by its writer meanwhile.
            }
        }

        if (removed > 0)
        {
            Log.StaleTempFilesRemoved(_logger, removed, _tempDirectory);
        }
    }

    private void TryDeleteTempFile(string path)
    {
        try
        {
            File.Delete(path);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            // Left for the start-up sweep; the file is in tmp/, so it was never visible as a blob.
            Log.TempFileDeleteFailed(_logger, path, ex);
        }
    }
}
