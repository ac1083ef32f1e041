using System.Security.Cryptography;
using System.Text;
using Wharf.Oci;
using Wharf.Server.Storage;

namespace Wharf.Server.Tests.Storage;

/// <summary>
/// The contract every blob store driver passes. A driver's test class derives from this and supplies a fresh, empty
/// store per test; driver-specific behaviour (files on disk, restarts, faults) is tested next to the driver.
/// </summary>
public abstract partial class BlobStoreContractTests : IDisposable
{
    private protected abstract IBlobStore Store { get; }

    /// <summary>Size of the large-blob test; a driver that keeps bytes in memory may choose less.</summary>
    private protected virtual long LargeBlobSize => 128L << 20;

    public void Dispose()
    {
        Dispose(disposing: true);
        GC.SuppressFinalize(this);
    }

    [Fact]
    public async Task WriteAsync_ThenOpenReadAsync_RoundTripsBytes()
    {
        var content = Encoding.UTF8.GetBytes("hello, wharf");

        var result = await Store.WriteAsync(new MemoryStream(content));

        Assert.Equal(Digest.Sha256(content), result.Digest);
        Assert.Equal(content.Length, result.Size);
        Assert.True(result.Created);
        Assert.Equal(content.Length, await Store.GetSizeAsync(result.Digest));
        Assert.Equal(content, await ReadAllAsync(result.Digest));
    }

    [Theory]
    [InlineData(1)]
    [InlineData(FileSystemBlobStore.ChunkSize - 1)]
    [InlineData(FileSystemBlobStore.ChunkSize)]
    [InlineData(FileSystemBlobStore.ChunkSize + 1)]
    [InlineData((2 * FileSystemBlobStore.ChunkSize) + 7)]
    public async Task WriteAsync_SizesAroundBufferBoundaries_RoundTrips(int size)
    {
        var content = RandomNumberGenerator.GetBytes(size);

        var result = await Store.WriteAsync(new TrickleStream(content, maxReadSize: 3 + (size % 5000)), Digest.Sha256(content));

        Assert.Equal(size, result.Size);
        Assert.Equal(content, await ReadAllAsync(result.Digest));
    }

    [Fact]
    public async Task WriteAsync_ExpectedSha512_StoresUnderSha512Digest()
    {
        var content = RandomNumberGenerator.GetBytes(10_000);
        var sha512 = Digest.FromHash("sha512", SHA512.HashData(content));

        var result = await Store.WriteAsync(new MemoryStream(content), sha512);

        Assert.Equal(sha512, result.Digest);
        Assert.Equal(content, await ReadAllAsync(sha512));
        Assert.Null(await Store.GetSizeAsync(Digest.Sha256(content)));
        Assert.Equal(new BlobEntry(sha512, content.Length), Assert.Single(await ListAsync()));
    }

    [Fact]
    public async Task WriteAsync_DigestMismatch_ThrowsAndStoresNothing()
    {
        var content = RandomNumberGenerator.GetBytes(300_000);
        var promised = Digest.Sha256("something else"u8);

        var ex = await Assert.ThrowsAsync<BlobDigestMismatchException>(() => Store.WriteAsync(new MemoryStream(content), promised));

        Assert.Equal(promised, ex.Expected);
        Assert.Equal(Digest.Sha256(content), ex.Actual);
        Assert.Null(await Store.GetSizeAsync(promised));
        Assert.Null(await Store.GetSizeAsync(Digest.Sha256(content)));
        Assert.Empty(await ListAsync());
        Assert.Equal(new BlobStoreUsage(0, 0), await Store.GetUsageAsync());
        await AssertNoLeftoversAsync();
    }

    [Fact]
    public async Task WriteAsync_SameContentTwice_KeepsOneCopy()
    {
        var content = RandomNumberGenerator.GetBytes(5_000);

        var first = await Store.WriteAsync(new MemoryStream(content));
        var second = await Store.WriteAsync(new MemoryStream(content), first.Digest);

        Assert.True(first.Created);
        Assert.False(second.Created);
        Assert.Equal(first.Digest, second.Digest);
        Assert.Single(await ListAsync());
        Assert.Equal(new BlobStoreUsage(1, content.Length), await Store.GetUsageAsync());
        await AssertNoLeftoversAsync();
    }

    [Fact]
    public async Task WriteAsync_SixteenConcurrentWritersOfSameContent_AllSucceedWithOneCopy()
    {
        const long size = 3 * FileSystemBlobStore.ChunkSize;
        var digest = GeneratedStream.DigestOf(size, seed: 16);

        var results = await Task.WhenAll(Enumerable.Range(0, 16).Select(_ => Task.Run(() =>
            Store.WriteAsync(new GeneratedStream(size, seed: 16) { YieldOnRead = true }, digest))));

        Assert.All(results, r => Assert.Equal(digest, r.Digest));
        Assert.Single(results, r => r.Created);
        Assert.Equal(new BlobEntry(digest, size), Assert.Single(await ListAsync()));
        Assert.Equal(new BlobStoreUsage(1, size), await Store.GetUsageAsync());
        Assert.Equal(digest, await HashStoredAsync(digest));
        await AssertNoLeftoversAsync();
    }

    [Fact]
    public async Task WriteAsync_ConcurrentDifferentContents_StoresEach()
    {
        const long size = FileSystemBlobStore.ChunkSize + 100;

        var results = await Task.WhenAll(Enumerable.Range(0, 16).Select(seed => Task.Run(() =>
            Store.WriteAsync(new GeneratedStream(size, seed) { YieldOnRead = true }))));

        Assert.All(results, r => Assert.True(r.Created));
        Assert.Equal(16, results.Select(r => r.Digest).Distinct().Count());
        foreach (var (result, seed) in results.Select((r, i) => (r, i)))
        {
            Assert.Equal(GeneratedStream.DigestOf(size, seed), result.Digest);
            Assert.Equal(result.Digest, await HashStoredAsync(result.Digest));
        }

        Assert.Equal(new BlobStoreUsage(16, 16 * size), await Store.GetUsageAsync());
        await AssertNoLeftoversAsync();
    }

    [Fact]
    public async Task WriteAsync_EmptyContent_StoresEmptyBlob()
    {
        var result = await Store.WriteAsync(Stream.Null, Digest.Sha256([]));

        Assert.Equal("sha256:e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855", result.Digest.ToString());
        Assert.Equal(0, result.Size);
        Assert.True(result.Created);
        Assert.Equal(0, await Store.GetSizeAsync(result.Digest));
        Assert.Empty(await ReadAllAsync(result.Digest));
        Assert.Equal(new BlobStoreUsage(1, 0), await Store.GetUsageAsync());
    }

    [Fact]
    public async Task WriteAsync_LargeNonSeekableStream_StoresAllBytes()
    {
        await using var source = new GeneratedStream(LargeBlobSize, seed: 256);

        var result = await Store.WriteAsync(source);

        Assert.Equal(source.Digest, result.Digest);
        Assert.Equal(LargeBlobSize, result.Size);
        Assert.Equal(LargeBlobSize, await Store.GetSizeAsync(result.Digest));
        Assert.Equal(result.Digest, await HashStoredAsync(result.Digest));
    }

    [Fact]
    public async Task WriteAsync_CancelledMidWrite_StoresNothing()
    {
        using var cts = new CancellationTokenSource();
        const long size = 4L * FileSystemBlobStore.ChunkSize;
        var source = new GeneratedStream(size, seed: 3)
        {
            BeforeRead = position =>
            {
                if (position >= 2 * FileSystemBlobStore.ChunkSize)
                {
                    cts.Cancel();
                }
            },
        };

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => Store.WriteAsync(source, null, cts.Token));

        Assert.Null(await Store.GetSizeAsync(GeneratedStream.DigestOf(size, seed: 3)));
        Assert.Empty(await ListAsync());
        Assert.Equal(new BlobStoreUsage(0, 0), await Store.GetUsageAsync());
        await AssertNoLeftoversAsync();
    }

    [Fact]
    public async Task WriteAsync_ContentFullyReadThenCancelled_StoresNothing()
    {
        using var cts = new CancellationTokenSource();
        var content = RandomNumberGenerator.GetBytes(1000);
        var source = new TrickleStream(content, maxReadSize: 1000, afterLastRead: cts.Cancel);

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => Store.WriteAsync(source, null, cts.Token));

        Assert.Null(await Store.GetSizeAsync(Digest.Sha256(content)));
        await AssertNoLeftoversAsync();
    }

    [Fact]
    public async Task DeleteAsync_StoredBlob_RemovesItAndReportsFalseAfterwards()
    {
        var keep = await Store.WriteAsync(new MemoryStream("keep"u8.ToArray()));
        var drop = await Store.WriteAsync(new MemoryStream("drop"u8.ToArray()));

        Assert.True(await Store.DeleteAsync(drop.Digest));
        Assert.False(await Store.DeleteAsync(drop.Digest));

        Assert.Null(await Store.GetSizeAsync(drop.Digest));
        Assert.Null(await Store.OpenReadAsync(drop.Digest));
        Assert.Equal("keep"u8.ToArray(), await ReadAllAsync(keep.Digest));
        Assert.Equal(new BlobEntry(keep.Digest, 4), Assert.Single(await ListAsync()));
    }

    [Fact]
    public async Task DeleteAsync_ThenWriteAgain_CreatesItAgain()
    {
        var first = await Store.WriteAsync(new MemoryStream("again"u8.ToArray()));
        await Store.DeleteAsync(first.Digest);

        var second = await Store.WriteAsync(new MemoryStream("again"u8.ToArray()));

        Assert.True(second.Created);
        Assert.Equal(new BlobStoreUsage(1, 5), await Store.GetUsageAsync());
    }

    [Fact]
    public async Task ListAsync_AfterWrites_ReturnsEachBlobWithItsSize()
    {
        var expected = new List<BlobEntry>();
        foreach (var size in new[] { 0, 1, 1000, 70_000 })
        {
            var result = await Store.WriteAsync(new MemoryStream(RandomNumberGenerator.GetBytes(size)));
            expected.Add(new BlobEntry(result.Digest, size));
        }

        var listed = await ListAsync();

        Assert.Equal(expected.OrderBy(e => e.Digest.ToString()), listed.OrderBy(e => e.Digest.ToString()));
    }

    [Fact]
    public async Task ListAsync_EmptyStore_ReturnsNothing()
        => Assert.Empty(await ListAsync());

    [Fact]
    public async Task GetUsageAsync_AfterWritesDuplicatesAndDeletes_CountsStoredBlobs()
    {
        Assert.Equal(new BlobStoreUsage(0, 0), await Store.GetUsageAsync());
        var a = await Store.WriteAsync(new MemoryStream(new byte[100]));
        var b = await Store.WriteAsync(new MemoryStream(new byte[250]));
        await Store.WriteAsync(new MemoryStream(new byte[100]));
        Assert.Equal(new BlobStoreUsage(2, 350), await Store.GetUsageAsync());

        await Store.DeleteAsync(a.Digest);
        await Store.DeleteAsync(a.Digest);

        Assert.Equal(new BlobStoreUsage(1, 250), await Store.GetUsageAsync());
        await Store.DeleteAsync(b.Digest);
        Assert.Equal(new BlobStoreUsage(0, 0), await Store.GetUsageAsync());
    }

    [Fact]
    public async Task OpenReadAsync_StoredBlob_IsSeekable()
    {
        var content = RandomNumberGenerator.GetBytes(100_000);
        var result = await Store.WriteAsync(new MemoryStream(content));

        await using var stream = await Store.OpenReadAsync(result.Digest);

        Assert.NotNull(stream);
        Assert.True(stream.CanSeek);
        Assert.Equal(content.Length, stream.Length);
        stream.Seek(-1000, SeekOrigin.End);
        var tail = new byte[1000];
        await stream.ReadExactlyAsync(tail);
        Assert.Equal(content[^1000..], tail);
        stream.Position = 12_345;
        var middle = new byte[10];
        await stream.ReadExactlyAsync(middle);
        Assert.Equal(content[12_345..12_355], middle);
    }

    [Fact]
    public async Task OpenReadAsync_BlobDeletedWhileReading_ReaderStillGetsAllBytes()
    {
        var content = RandomNumberGenerator.GetBytes(3 * FileSystemBlobStore.ChunkSize);
        var result = await Store.WriteAsync(new MemoryStream(content));
        await using var stream = await Store.OpenReadAsync(result.Digest);
        Assert.NotNull(stream);
        var head = new byte[1000];
        await stream.ReadExactlyAsync(head);

        Assert.True(await Store.DeleteAsync(result.Digest));

        using var rest = new MemoryStream();
        await stream.CopyToAsync(rest);
        Assert.Equal(content, head.Concat(rest.ToArray()).ToArray());
        Assert.Null(await Store.GetSizeAsync(result.Digest));
    }

    [Fact]
    public async Task GetSizeAsync_MissingBlob_ReturnsNull()
    {
        Assert.Null(await Store.GetSizeAsync(Digest.Sha256("absent"u8)));
        Assert.Null(await Store.OpenReadAsync(Digest.Sha256("absent"u8)));
        Assert.False(await Store.DeleteAsync(Digest.Sha256("absent"u8)));
    }

    [Fact]
    public async Task GetSizeAsync_DefaultDigest_ThrowsArgumentException()
    {
        await Assert.ThrowsAsync<ArgumentException>(() => Store.GetSizeAsync(default));
        await Assert.ThrowsAsync<ArgumentException>(() => Store.OpenReadAsync(default));
        await Assert.ThrowsAsync<ArgumentException>(() => Store.DeleteAsync(default));
        await Assert.ThrowsAsync<ArgumentException>(() => Store.WriteAsync(Stream.Null, default(Digest)));
    }

    [Fact]
    public async Task CheckWritableAsync_FreshStore_SucceedsWithoutStoringABlob()
    {
        await Store.CheckWritableAsync();

        Assert.Empty(await ListAsync());
        Assert.Equal(new BlobStoreUsage(0, 0), await Store.GetUsageAsync());
        await AssertNoLeftoversAsync();
    }

    /// <summary>Driver-specific check that a failed or duplicate write left nothing behind (temp files and the like).</summary>
    private protected virtual Task AssertNoLeftoversAsync() => Task.CompletedTask;

    protected virtual void Dispose(bool disposing)
    {
    }

    private protected async Task<byte[]> ReadAllAsync(Digest digest)
    {
        await using var stream = await Store.OpenReadAsync(digest);
        Assert.NotNull(stream);
        using var buffer = new MemoryStream();
        await stream.CopyToAsync(buffer);
        return buffer.ToArray();
    }

    private protected async Task<Digest> HashStoredAsync(Digest digest)
    {
        await using var stream = await Store.OpenReadAsync(digest);
        Assert.NotNull(stream);
        using var hash = digest.CreateHash();
        var buffer = new byte[1 << 20];
        int read;
        while ((read = await stream.ReadAsync(buffer)) > 0)
        {
            hash.AppendData(buffer, 0, read);
        }

        return Digest.FromHash(digest.Algorithm, hash.GetHashAndReset());
    }

    private protected async Task<List<BlobEntry>> ListAsync()
    {
        var entries = new List<BlobEntry>();
        await foreach (var entry in Store.ListAsync())
        {
            entries.Add(entry);
        }

        return entries;
    }
}
