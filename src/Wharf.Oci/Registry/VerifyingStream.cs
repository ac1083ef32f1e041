using System.Security.Cryptography;

namespace Wharf.Oci.Registry;

/// <summary>
/// A read-only stream over a downloaded blob that hashes what passes through and, at the end, throws
/// <see cref="DigestMismatchException"/> unless the bytes have the descriptor's size and digest. A body longer than
/// the size fails as soon as it passes the size, so a hostile server cannot make the reader consume without end.
/// </summary>
internal sealed class VerifyingStream : Stream
{
    private const long ProgressStep = 1024 * 1024;

    private readonly Stream _inner;
    private readonly IDisposable? _owner;
    private readonly Descriptor _descriptor;
    private readonly string _source;
    private readonly IncrementalHash _hash;
    private readonly Action<long>? _progress;
    private long _read;
    private long _reported;
    private bool _verified;

    public VerifyingStream(Stream inner, IDisposable? owner, Descriptor descriptor, string source, Action<long>? progress)
    {
        _inner = inner;
        _owner = owner;
        _descriptor = descriptor;
        _source = source;
        _progress = progress;
        _hash = descriptor.Digest.CreateHash();
    }

    public bool Verified => _verified;

    public override bool CanRead => true;

    public override bool CanSeek => false;

    public override bool CanWrite => false;

    public override long Length => _descriptor.Size;

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

        var n = _inner.Read(buffer);
        Account(buffer[..n]);
        return n;
    }

    public override Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken)
        => ReadAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();

    public override async ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default)
    {
        if (buffer.IsEmpty)
        {
            return 0; // a zero-length read (TarReader makes them) is not the end of the content
        }

        var n = await _inner.ReadAsync(buffer, cancellationToken).ConfigureAwait(false);
        Account(buffer.Span[..n]);
        return n;
    }

    /// <summary>Reads whatever the consumer left unread, so the digest is checked over the whole body.</summary>
    public async Task DrainAsync(CancellationToken cancellationToken)
    {
        var buffer = new byte[64 * 1024];
        while (await ReadAsync(buffer, cancellationToken).ConfigureAwait(false) > 0)
        {
        }
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
            _inner.Dispose();
            _owner?.Dispose();
            _hash.Dispose();
        }

        base.Dispose(disposing);
    }

    private void Account(ReadOnlySpan<byte> bytes)
    {
        if (_verified)
        {
            if (bytes.Length > 0)
            {
                throw Mismatch(null, $"more than the {_descriptor.Size} bytes its descriptor says");
            }

            return;
        }

        _read += bytes.Length;
        if (_read > _descriptor.Size)
        {
            throw Mismatch(null, $"more than the {_descriptor.Size} bytes its descriptor says");
        }

        _hash.AppendData(bytes);
        if (_progress is not null && (_read - _reported >= ProgressStep || (bytes.Length == 0 && _read != _reported)))
        {
            _reported = _read;
            _progress(_read);
        }

        if (bytes.Length > 0)
        {
            return;
        }

        if (_read != _descriptor.Size)
        {
            throw Mismatch(null, $"{_read} bytes where its descriptor says {_descriptor.Size}");
        }

        var actual = Digest.FromHash(_descriptor.Digest.Algorithm, _hash.GetHashAndReset());
        if (actual != _descriptor.Digest)
        {
            throw Mismatch(actual, $"content that hashes to {actual}");
        }

        _verified = true;
    }

    private DigestMismatchException Mismatch(Digest? actual, string what)
        => new(_descriptor.Digest, actual, $"blob {_descriptor.Digest} from {_source} failed verification: it had {what}");
}
