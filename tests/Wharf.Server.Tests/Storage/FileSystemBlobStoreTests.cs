using Microsoft.Extensions.Logging.Abstractions;
using Wharf.Oci;
using Wharf.Server.Storage;
using Wharf.Server.Tests.Infrastructure;

namespace Wharf.Server.Tests.Storage;

/// <summary>What the filesystem driver promises beyond the contract: its layout, restarts, and streaming to disk.</summary>
[Collection(MemorySensitiveCollection.Name)]
public sealed class FileSystemBlobStoreTests : IDisposable
{
    private readonly TempDirectory _directory = new();

    private string Root => _directory.Combine("blobs");

    public void Dispose() => _directory.Dispose();

    [Fact]
    public async Task WriteAsync_Sha256Blob_LandsUnderAlgorithmAndFanOutDirectory()
    {
        var store = Open();

        var result = await store.WriteAsync(new MemoryStream("layout"u8.ToArray()));

        var expected = Path.Combine(Root, "sha256", result.Digest.Hex[..2], result.Digest.Hex);
        Assert.True(File.Exists(expected));
        Assert.Equal("layout"u8.ToArray(), await File.ReadAllBytesAsync(expected));
    }

    [Fact]
    public async Task StagedUpload_StoreReopened_KeepsTheBytesAndCommitsByReHashing()
    {
        var first = new byte[70_000];
        var second = new byte[30_000];
        Random.Shared.NextBytes(first);
        Random.Shared.NextBytes(second);
        var id = Guid.NewGuid();
        await Open().AppendStagedAsync(id, 0, new MemoryStream(first));

        // A new instance has no running hash: the commit must read the staged file back.
        var reopened = Open();
        Assert.Equal(first.Length, await reopened.GetStagedLengthAsync(id));
        await reopened.AppendStagedAsync(id, first.Length, new MemoryStream(second));
        var whole = first.Concat(second).ToArray();
        var result = await reopened.CommitStagedAsync(id, Digest.Sha256(whole));

        Assert.Equal(whole, await File.ReadAllBytesAsync(reopened.PathOf(result.Digest)));
        Assert.Empty(Directory.GetFiles(Path.Combine(Root, FileSystemBlobStore.UploadsDirectoryName)));
    }

    [Fact]
    public async Task Constructor_StaleTempFilesFromCrashedWriter_RemovesThem()
    {
        Open();
        var stale = Path.Combine(Root, FileSystemBlobStore.TempDirectoryName, "0123456789abcdef.part");
        await File.WriteAllBytesAsync(stale, new byte[1000]);

        var store = Open();

        Assert.False(File.Exists(stale));
        Assert.Equal(new BlobStoreUsage(0, 0), await store.GetUsageAsync());
    }

    [Fact]
    public async Task Constructor_TempFileHeldByLiveWriter_LeavesIt()
    {
        Open();
        var live = Path.Combine(Root, FileSystemBlobStore.TempDirectoryName, "live.part");
        await using (var writer = new FileStream(live, FileMode.CreateNew, FileAccess.Write, FileShare.Delete))
        {
            await writer.WriteAsync(new byte[10]);
            await writer.FlushAsync();

            Open();

            Assert.True(File.Exists(live));
        }

        Open();
        Assert.False(File.Exists(live));
    }

    [Fact]
    public async Task GetUsageAsync_NewStoreOnExistingDirectory_CountsBlobsWrittenBefore()
    {
        var first = Open();
        long total = 0;
        for (var i = 0; i < 20; i++)
        {
            total += (await first.WriteAsync(new MemoryStream(new byte[i * 100]) { Position = 0 }, null)).Size;
            await first.WriteAsync(new MemoryStream([(byte)i]));
            total++;
        }

        var restarted = Open();

        Assert.Equal(new BlobStoreUsage(40, total), await restarted.GetUsageAsync());
    }

    [Fact]
    public async Task GetUsageAsync_WritesAndDeletesAfterFirstCount_KeepsTotalsExact()
    {
        var first = Open();
        var old = await first.WriteAsync(new MemoryStream(new byte[500]));
        var store = Open();
        Assert.Equal(new BlobStoreUsage(1, 500), await store.GetUsageAsync());

        var added = await Task.WhenAll(Enumerable.Range(1, 30).Select(i => Task.Run(() => store.WriteAsync(new MemoryStream(new byte[i]) { Position = 0 }))));
        await store.DeleteAsync(old.Digest);

        Assert.Equal(new BlobStoreUsage(30, added.Sum(r => r.Size)), await store.GetUsageAsync());
        Assert.Equal(await Open().GetUsageAsync(), await store.GetUsageAsync());
    }

    [Fact]
    public async Task ListAsync_StrayFilesInTree_AreNotBlobs()
    {
        var store = Open();
        var blob = await store.WriteAsync(new MemoryStream("real"u8.ToArray()));
        var fanOut = Path.Combine(Root, "sha256", blob.Digest.Hex[..2]);
        await File.WriteAllTextAsync(Path.Combine(fanOut, "README"), "not a blob");
        await File.WriteAllTextAsync(Path.Combine(fanOut, blob.Digest.Hex.ToUpperInvariant()), "wrong case");
        var misplaced = Digest.Sha256("misplaced"u8);
        Directory.CreateDirectory(Path.Combine(Root, "sha256", "00"));
        await File.WriteAllTextAsync(Path.Combine(Root, "sha256", "00", misplaced.Hex), "wrong fan-out");
        Directory.CreateDirectory(Path.Combine(Root, "sha256", "zz"));
        await File.WriteAllTextAsync(Path.Combine(Root, "sha256", "zz", "zz" + misplaced.Hex[2..]), "not hex");

        var listed = new List<BlobEntry>();
        await foreach (var entry in store.ListAsync())
        {
            listed.Add(entry);
        }

        Assert.Equal(blob.Digest, Assert.Single(listed).Digest);
        Assert.Equal(new BlobStoreUsage(1, 4), await Open().GetUsageAsync());
    }

    [Fact]
    public async Task WriteAsync_LargeNonSeekableStream_StreamsToDiskWithoutBuffering()
    {
        const long size = 256L << 20;
        const long slack = 4L << 20;
        var store = Open();
        long worstLag = 0;
        await using var source = new GeneratedStream(size, seed: 7)
        {
            BeforeRead = position =>
            {
                // Whatever the store took from the source, minus what reached the temp file, is what it holds.
                if (position % (8L << 20) < 64 * 1024)
                {
                    worstLag = Math.Max(worstLag, position - BlobTree.TempBytes(Root));
                }
            },
        };
        GC.Collect();
        var allocatedBefore = GC.GetTotalAllocatedBytes(precise: true);

        var result = await store.WriteAsync(source);

        var allocated = GC.GetTotalAllocatedBytes(precise: true) - allocatedBefore;
        Assert.Equal(source.Digest, result.Digest);
        Assert.InRange(worstLag, 0, slack);
        Assert.InRange(allocated, 0, 16L << 20);
    }

    [Fact]
    public async Task OpenReadAsync_WhileSameContentIsRewritten_ReadsCompleteBytes()
    {
        var store = Open();
        var content = new byte[3 * FileSystemBlobStore.ChunkSize];
        new Random(5).NextBytes(content);
        var first = await store.WriteAsync(new MemoryStream(content));
        await using var reader = await store.OpenReadAsync(first.Digest);
        Assert.NotNull(reader);

        var again = await store.WriteAsync(new MemoryStream(content), first.Digest);

        Assert.False(again.Created);
        using var copy = new MemoryStream();
        await reader.CopyToAsync(copy);
        Assert.Equal(content, copy.ToArray());
    }

    [Fact]
    public async Task CheckWritableAsync_TempDirectoryReplacedByFile_Throws()
    {
        var store = Open();
        var temp = Path.Combine(Root, FileSystemBlobStore.TempDirectoryName);
        Directory.Delete(temp);
        await File.WriteAllTextAsync(temp, "not a directory");

        await Assert.ThrowsAnyAsync<IOException>(() => store.CheckWritableAsync());
        await Assert.ThrowsAnyAsync<IOException>(() => store.WriteAsync(new MemoryStream(new byte[10])));
    }

    private FileSystemBlobStore Open() => new(Root, NullLogger<FileSystemBlobStore>.Instance, TimeProvider.System);
}
