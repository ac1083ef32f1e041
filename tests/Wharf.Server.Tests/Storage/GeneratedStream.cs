using System.Security.Cryptography;
using Wharf.Oci;
using Wharf.TestModels;

namespace Wharf.Server.Tests.Storage;

/// <summary>
/// A non-seekable stream of deterministic pseudo-random bytes, like a request body: it can be far larger than memory,
/// returns at most <see cref="MaxReadSize"/> bytes per read, and hashes what it hands out so a test knows the digest
/// without a second pass.
/// </summary>
internal sealed class GeneratedStream : ReadOnlyStreamBase
{
    private const int BlockSize = 1 << 20;
    private readonly byte[] _block = new byte[BlockSize];
    private readonly IncrementalHash _hash;
    private readonly string _algorithm;
    private long _position;

    public GeneratedStream(long length, int seed = 1, string algorithm = "sha256")
    {
        Length = length;
        _algorithm = algorithm;
        _hash = Digest.CreateHash(algorithm);
        new Random(seed).NextBytes(_block);
    }

    public override long Length { get; }

    /// <summary>Largest read returned; network bodies arrive in small pieces.</summary>
    public int MaxReadSize { get; init; } = 64 * 1024;

    /// <summary>Called before each read with the number of bytes handed out so far.</summary>
    public Action<long>? BeforeRead { get; init; }

    /// <summary>Yield before each read, so concurrent writers interleave.</summary>
    public bool YieldOnRead { get; init; }

    /// <summary>The digest of the bytes handed out; valid once the stream was read to its end.</summary>
    public Digest Digest => _position == Length
        ? Digest.FromHash(_algorithm, _hash.GetCurrentHash())
        : throw new InvalidOperationException("The stream was not read to its end.");

    /// <summary>The digest of the content a stream with these arguments produces.</summary>
    public static Digest DigestOf(long length, int seed = 1, string algorithm = "sha256")
    {
        using var stream = new GeneratedStream(length, seed, algorithm) { MaxReadSize = BlockSize };
        stream.CopyTo(Null, BlockSize);
        return stream.Digest;
    }

    public override int Read(Span<byte> buffer)
    {
        BeforeRead?.Invoke(_position);
        var count = (int)Math.Min(Math.Min(buffer.Length, MaxReadSize), Length - _position);
        var written = 0;
        while (written < count)
        {
            var offset = (int)((_position + written) % BlockSize);
            var n = Math.Min(count - written, BlockSize - offset);
            _block.AsSpan(offset, n).CopyTo(buffer[written..]);
            written += n;
        }

        _hash.AppendData(buffer[..count]);
        _position += count;
        return count;
    }

    public override async ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default)
    {
        if (YieldOnRead)
        {
            await Task.Yield();
        }

        cancellationToken.ThrowIfCancellationRequested();
        return Read(buffer.Span);
    }

    protected override void Dispose(bool disposing)
    {
        if (disposing)
        {
            _hash.Dispose();
        }

        base.Dispose(disposing);
    }
}
