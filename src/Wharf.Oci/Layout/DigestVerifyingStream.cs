using System.Security.Cryptography;

namespace Wharf.Oci.Layout;

/// <summary>
/// A read-only pass-through that hashes what is read and, at the end of the content, throws when the bytes do not
/// hash to the expected digest or their count differs from the expected size. A reader that reaches the end without
/// an exception has read exactly the content the digest names.
/// </summary>
internal sealed class DigestVerifyingStream(Stream inner, Digest expected, long? expectedSize, string what) : Stream
{
    private readonly IncrementalHash _hash = expected.CreateHash();
    private long _read;
    private bool _verified;

    public override bool CanRead => true;

    public override bool CanSeek => false;

    public override bool CanWrite => false;

    public override long Length => expectedSize ?? inner.Length;

    public override long Position
    {
        get => _read;
        set => throw new NotSupportedException();
    }

    public override int Read(byte[] buffer, int offset, int count) => Read(buffer.AsSpan(offset, count));

    public override int Read(Span<byte> buffer)
    {
        if (buffer.IsEmpty)
        {
            return 0; // a zero-length read (TarReader makes them) is not the end of the content
        }

        var n = inner.Read(buffer);
        return Account(buffer[..n]);
    }

    public override async ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default)
    {
        if (buffer.IsEmpty)
        {
            return 0; // a zero-length read (TarReader makes them) is not the end of the content
        }

        var n = await inner.ReadAsync(buffer, cancellationToken);
        return Account(buffer.Span[..n]);
    }

    public override Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken)
        => ReadAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();

    private int Account(ReadOnlySpan<byte> data)
    {
        if (data.Length > 0)
        {
            _read += data.Length;
            if (expectedSize is { } size && _read > size)
            {
                throw new InvalidDataException($"{what} is longer than its descriptor's size {size}");
            }

            _hash.AppendData(data);
            return data.Length;
        }

        if (!_verified)
        {
            _verified = true;
            if (expectedSize is { } size && _read != size)
            {
                throw new InvalidDataException($"{what} has {_read} bytes, its descriptor says {size}");
            }

            var actual = Digest.FromHash(expected.Algorithm, _hash.GetHashAndReset());
            if (actual != expected)
            {
                throw new InvalidDataException($"{what} hashes to {actual}, not to its name {expected}");
            }
        }

        return 0;
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
            inner.Dispose();
            _hash.Dispose();
        }

        base.Dispose(disposing);
    }

    public override async ValueTask DisposeAsync()
    {
        await inner.DisposeAsync();
        _hash.Dispose();
        await base.DisposeAsync();
    }
}
