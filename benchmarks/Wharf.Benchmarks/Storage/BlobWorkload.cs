using System.Security.Cryptography;
using Microsoft.Extensions.Logging.Abstractions;
using Wharf.Server.Storage;

namespace Wharf.Benchmarks.Storage;

/// <summary>
/// The operations compared, shared by the BenchmarkDotNet class and the side-by-side runner so both measure the same
/// code: Wharf's store against the physical limit of the same bytes on the same disk.
/// </summary>
/// <remarks>
/// Write limit: copy the same non-seekable stream into a raw, unbuffered FileStream, hashing with SHA-256 on the way,
/// then fsync, which is what any durable, verified write of a stream must at least do. Read limit: a raw FileStream read of the same file through the same
/// consumer loop. The store's read does not verify the digest, so the read limit does not hash either.
/// </remarks>
internal sealed class BlobWorkload : IDisposable
{
    /// <summary>What a consumer reads per call: ASP.NET Core's response copy buffer.</summary>
    public const int ConsumerBufferSize = 64 * 1024;

    /// <summary>
    /// Bytes per write(2) in the limit: the store's own chunk, so both make the same syscalls. (64 KiB to 4 MiB were
    /// all within the noise of each other on the development VM.)
    /// </summary>
    public const int LimitChunkSize = FileSystemBlobStore.ChunkSize;

    private readonly byte[] _content;
    private readonly byte[] _readBuffer = new byte[ConsumerBufferSize];
    private readonly byte[] _limitBuffer = new byte[LimitChunkSize];
    private readonly List<Wharf.Oci.Digest> _written = [];
    private long _variant;

    public BlobWorkload(string directory, int size)
    {
        Directory = directory;
        System.IO.Directory.CreateDirectory(directory);
        _content = new byte[size];
        new Random(42).NextBytes(_content);
        var root = Path.Combine(directory, "blobs");

        // Steady state: a store past a few thousand blobs has all 256 fan-out directories, so a write never pays for
        // creating one (a mkdir plus an fsync of sha256/). Measure that state, not the first minutes of a new store.
        for (var prefix = 0; prefix < 256; prefix++)
        {
            System.IO.Directory.CreateDirectory(Path.Combine(root, "sha256", prefix.ToString("x2", null)));
        }

        Store = new FileSystemBlobStore(root, NullLogger<FileSystemBlobStore>.Instance, TimeProvider.System);
        LimitDirectory = Path.Combine(directory, "limit");
        System.IO.Directory.CreateDirectory(LimitDirectory);
        FloorDirectory = Path.Combine(directory, "floor");
        System.IO.Directory.CreateDirectory(FloorDirectory);
        ReadDigest = Store.WriteAsync(new MemoryStream(_content)).GetAwaiter().GetResult().Digest;
        ReadPath = Store.PathOf(ReadDigest);
    }

    public string Directory { get; }

    public string LimitDirectory { get; }

    public string FloorDirectory { get; }

    public FileSystemBlobStore Store { get; }

    public Wharf.Oci.Digest ReadDigest { get; }

    public string ReadPath { get; }

    public int Size => _content.Length;

    /// <summary>Makes the next write new content (a different digest), so every write takes the create path.</summary>
    public void NextContent() => BitConverter.TryWriteBytes(_content, Interlocked.Increment(ref _variant));

    /// <summary>Wharf: a verified, durable write of a request-like (non-seekable) stream.</summary>
    public async Task<BlobWriteResult> StoreWriteAsync()
    {
        var result = await Store.WriteAsync(new NonSeekableStream(_content));
        if (!result.Created)
        {
            throw new InvalidOperationException("the benchmark wrote content that was already stored");
        }

        _written.Add(result.Digest);
        return result;
    }

    /// <summary>
    /// Limit: a raw copy of the same request-like stream into a new file, hashing each chunk on the way, then fsync.
    /// Synchronous, one buffer, no rename: the least any durable, verified write of a stream must do.
    /// </summary>
    public string LimitWrite()
    {
        var path = Path.Combine(LimitDirectory, Guid.NewGuid().ToString("N"));
        using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        using var source = new NonSeekableStream(_content);
        using (var file = new FileStream(path, FileMode.CreateNew, FileAccess.Write, FileShare.None, bufferSize: 0))
        {
            int read;
            while ((read = source.Read(_limitBuffer)) > 0)
            {
                hash.AppendData(_limitBuffer, 0, read);
                file.Write(_limitBuffer, 0, read);
            }

            file.Flush(flushToDisk: true);
        }

        _ = hash.GetHashAndReset();
        return path;
    }

    /// <summary>
    /// The store's durability protocol done with raw calls: the limit, plus a rename without replace into another
    /// directory and an fsync of that directory. The difference to the limit is what atomic naming costs on this
    /// filesystem (one more journal commit); the difference to Wharf is Wharf's own overhead.
    /// </summary>
    public void ProtocolFloorWrite()
    {
        var temp = LimitWrite();
        var final = Path.Combine(FloorDirectory, Path.GetFileName(temp));
        if (!FileSystemInterop.TryRenameNoReplace(temp, final))
        {
            throw new InvalidOperationException("the floor benchmark collided with an existing name");
        }

        FileSystemInterop.SyncDirectory(FloorDirectory);
    }

    /// <summary>Wharf: open the blob through the store and read it to the end.</summary>
    public async Task<long> StoreReadAsync()
    {
        await using var stream = await Store.OpenReadAsync(ReadDigest) ?? throw new InvalidOperationException("blob missing");
        return await DrainAsync(stream);
    }

    /// <summary>Limit: a raw FileStream over the same file, read by the same loop.</summary>
    public async Task<long> LimitReadAsync()
    {
        await using var stream = new FileStream(ReadPath, FileMode.Open, FileAccess.Read, FileShare.Read, bufferSize: 0);
        return await DrainAsync(stream);
    }

    /// <summary>Removes what the write benchmarks stored, keeping the blob the read benchmarks use.</summary>
    public void RemoveWrites()
    {
        foreach (var file in System.IO.Directory.EnumerateFiles(LimitDirectory).Concat(System.IO.Directory.EnumerateFiles(FloorDirectory)))
        {
            File.Delete(file);
        }

        foreach (var digest in _written)
        {
            Store.DeleteAsync(digest).GetAwaiter().GetResult();
        }

        _written.Clear();
    }

    public void Dispose() => System.IO.Directory.Delete(Directory, recursive: true);

    private async Task<long> DrainAsync(Stream stream)
    {
        long total = 0;
        int read;
        while ((read = await stream.ReadAsync(_readBuffer)) > 0)
        {
            total += read;
        }

        return total;
    }
}
