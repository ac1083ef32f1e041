using System.Security.Cryptography;
using Wharf.Oci;
using Wharf.Server.Storage;
using Wharf.TestModels;

namespace Wharf.Server.Tests.Storage;

/// <summary>The staged-upload part of the contract (the registry's chunked uploads).</summary>
public abstract partial class BlobStoreContractTests
{
    [Fact]
    public async Task AppendStagedAsync_ChunksInOrder_CommitPublishesTheBlob()
    {
        var content = RandomNumberGenerator.GetBytes((3 * FileSystemBlobStore.ChunkSize) + 17);
        var id = Guid.NewGuid();

        Assert.Null(await Store.GetStagedLengthAsync(id));
        long length = 0;
        foreach (var chunk in content.Chunk(100_000))
        {
            length = await Store.AppendStagedAsync(id, length, new TrickleStream(chunk, maxReadSize: 4096));
        }

        Assert.Equal(content.Length, await Store.GetStagedLengthAsync(id));
        Assert.Null(await Store.GetSizeAsync(Digest.Sha256(content)));

        var result = await Store.CommitStagedAsync(id, Digest.Sha256(content));

        Assert.True(result.Created);
        Assert.Equal(content.Length, result.Size);
        Assert.Equal(content, await ReadAllAsync(result.Digest));
        Assert.Null(await Store.GetStagedLengthAsync(id));
    }

    [Fact]
    public async Task AppendStagedAsync_OffsetNotAtTheEnd_ThrowsWithTheStagedLengthAndKeepsTheBytes()
    {
        var id = Guid.NewGuid();
        await Store.AppendStagedAsync(id, 0, new MemoryStream(new byte[100]));

        var ahead = await Assert.ThrowsAsync<BlobStagingOffsetException>(() => Store.AppendStagedAsync(id, 150, new MemoryStream(new byte[10])));
        var overlapping = await Assert.ThrowsAsync<BlobStagingOffsetException>(() => Store.AppendStagedAsync(id, 50, new MemoryStream(new byte[10])));

        Assert.Equal(100, ahead.Length);
        Assert.Equal(100, overlapping.Length);
        Assert.Equal(100, await Store.GetStagedLengthAsync(id));
    }

    [Fact]
    public async Task AppendStagedAsync_StreamFailsPartWay_LeavesTheUploadAsItWas()
    {
        var id = Guid.NewGuid();
        var first = RandomNumberGenerator.GetBytes(1000);
        var second = RandomNumberGenerator.GetBytes(FileSystemBlobStore.ChunkSize * 2);
        await Store.AppendStagedAsync(id, 0, new MemoryStream(first));

        await Assert.ThrowsAsync<IOException>(() => Store.AppendStagedAsync(id, first.Length, new FailingStream(second, failAfter: FileSystemBlobStore.ChunkSize + 5)));

        Assert.Equal(first.Length, await Store.GetStagedLengthAsync(id));
        var rest = RandomNumberGenerator.GetBytes(10);
        await Store.AppendStagedAsync(id, first.Length, new MemoryStream(rest));
        var whole = first.Concat(rest).ToArray();
        var result = await Store.CommitStagedAsync(id, Digest.Sha256(whole));
        Assert.Equal(whole, await ReadAllAsync(result.Digest));
    }

    [Fact]
    public async Task CommitStagedAsync_WrongDigest_ThrowsStoresNothingAndDropsTheUpload()
    {
        var id = Guid.NewGuid();
        var content = RandomNumberGenerator.GetBytes(5000);
        await Store.AppendStagedAsync(id, 0, new MemoryStream(content));
        var wrong = Digest.Sha256(RandomNumberGenerator.GetBytes(8));

        var ex = await Assert.ThrowsAsync<BlobDigestMismatchException>(() => Store.CommitStagedAsync(id, wrong));

        Assert.Equal(Digest.Sha256(content), ex.Actual);
        Assert.Null(await Store.GetSizeAsync(wrong));
        Assert.Null(await Store.GetSizeAsync(Digest.Sha256(content)));
        Assert.Null(await Store.GetStagedLengthAsync(id));
        await AssertNoLeftoversAsync();
    }

    [Fact]
    public async Task CommitStagedAsync_Sha512Expected_PublishesUnderSha512()
    {
        var id = Guid.NewGuid();
        var content = RandomNumberGenerator.GetBytes(3000);
        await Store.AppendStagedAsync(id, 0, new MemoryStream(content[..1000]));
        await Store.AppendStagedAsync(id, 1000, new MemoryStream(content[1000..]));
        var sha512 = Digest.FromHash("sha512", SHA512.HashData(content));

        var result = await Store.CommitStagedAsync(id, sha512);

        Assert.Equal(sha512, result.Digest);
        Assert.Equal(content, await ReadAllAsync(sha512));
    }

    [Fact]
    public async Task CommitStagedAsync_ContentAlreadyStored_KeepsOneCopy()
    {
        var content = RandomNumberGenerator.GetBytes(2048);
        await Store.WriteAsync(new MemoryStream(content));
        var id = Guid.NewGuid();
        await Store.AppendStagedAsync(id, 0, new MemoryStream(content));

        var result = await Store.CommitStagedAsync(id, Digest.Sha256(content));

        Assert.False(result.Created);
        Assert.Single(await ListAsync());
        Assert.Null(await Store.GetStagedLengthAsync(id));
    }

    [Fact]
    public async Task CommitStagedAsync_EmptyUpload_PublishesTheEmptyBlob()
    {
        var id = Guid.NewGuid();
        await Store.AppendStagedAsync(id, 0, Stream.Null);

        var result = await Store.CommitStagedAsync(id, Digest.Sha256([]));

        Assert.Equal(0, result.Size);
        Assert.Equal(0, await Store.GetSizeAsync(result.Digest));
    }

    [Fact]
    public async Task CommitStagedAsync_UnknownUpload_ThrowsKeyNotFound()
    {
        await Assert.ThrowsAsync<KeyNotFoundException>(() => Store.CommitStagedAsync(Guid.NewGuid(), Digest.Sha256([1])));
    }

    [Fact]
    public async Task DeleteStagedAsync_ExistingUpload_RemovesItOnce()
    {
        var id = Guid.NewGuid();
        await Store.AppendStagedAsync(id, 0, new MemoryStream(new byte[10]));

        Assert.True(await Store.DeleteStagedAsync(id));
        Assert.False(await Store.DeleteStagedAsync(id));
        Assert.Null(await Store.GetStagedLengthAsync(id));
    }

    /// <summary>Yields some bytes, then fails as a dropped connection would.</summary>
    private sealed class FailingStream(byte[] content, int failAfter) : ReadOnlyStreamBase
    {
        private int _position;

        public override long Position { get => _position; set => throw new NotSupportedException(); }

        public override int Read(Span<byte> buffer)
        {
            if (_position >= failAfter)
            {
                throw new IOException("connection reset by peer");
            }

            var n = Math.Min(Math.Min(buffer.Length, failAfter - _position), content.Length - _position);
            content.AsSpan(_position, n).CopyTo(buffer);
            _position += n;
            return n;
        }
    }
}
