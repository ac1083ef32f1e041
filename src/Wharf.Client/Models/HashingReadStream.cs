using System.Security.Cryptography;

namespace Wharf.Client.Models;

/// <summary>
/// Reads a blob from the registry while hashing it and counting its bytes, and refuses to yield more than the
/// descriptor's size: a hostile or broken server cannot make a pull read (or write) without end.
/// </summary>
internal sealed class HashingReadStream(Stream inner, long maxBytes, string what, Action<int> received) : Stream
{
    private readonly IncrementalHash _hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);

    /// <summary>Bytes read so far.</summary>
    public long BytesRead { get; private set; }

    /// <summary>The <c>sha256:</c> digest of the bytes read so far.</summary>
    public string Digest() => "sha256:" + Convert.ToHexStringLower(_hash.GetCurrentHash());

    /// <summary>Reads (and hashes) whatever is left, for a reader that stopped before the end (a tar's end marker).</summary>
    public async Task DrainAsync(CancellationToken cancellationToken)
    {
        var buffer = new byte[81920];
        while (await ReadAsync(buffer, cancellationToken) > 0)
        {
        }
    }

    public override bool CanRead => true;

    public override bool CanSeek => false;

    public override bool CanWrite => false;

    public override long Length => throw new NotSupportedException();

    public override long Position { get => BytesRead; set => throw new NotSupportedException(); }

    public override int Read(byte[] buffer, int offset, int count) => Read(buffer.AsSpan(offset, count));

    public override int Read(Span<byte> buffer)
    {
        if (buffer.IsEmpty)
        {
            return 0; // a zero-length read (TarReader makes them) is not the end of the content
        }

        var read = inner.Read(buffer);
        Account(buffer[..read]);
        return read;
    }

    public override Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken)
        => ReadAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();

    public override async ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default)
    {
        if (buffer.IsEmpty)
        {
            return 0; // a zero-length read (TarReader makes them) is not the end of the content
        }

        var read = await inner.ReadAsync(buffer, cancellationToken);
        Account(buffer.Span[..read]);
        return read;
    }

    public override void Flush()
    {
    }

    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

    public override void SetLength(long value) => throw new NotSupportedException();

    public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();

    protected override void Dispose(bool disposing)
    {
        if (disposing)
        {
            _hash.Dispose();
        }

        base.Dispose(disposing);
    }

    private void Account(ReadOnlySpan<byte> bytes)
    {
        if (bytes.Length == 0)
        {
            return;
        }

        BytesRead += bytes.Length;
        if (BytesRead > maxBytes)
        {
            throw ModelLayerTar.Refusal($"{what} is longer than the {maxBytes} bytes its manifest says");
        }

        _hash.AppendData(bytes);
        received(bytes.Length);
    }
}
