using System.Security.Cryptography;

namespace Wharf.Oci;

/// <summary>
/// A read-only pass-through that hashes what is read and, at the end of the content, fails unless the bytes hash to
/// the expected digest and their count is the expected size. Content longer than the size fails as soon as it passes
/// the size, so a hostile source cannot make the reader consume without end. A reader that reaches the end without
/// an exception has read exactly the content the digest names. Subclasses say how a failure is reported, since the
/// layout and the registry client each have their own exception for it.
/// </summary>
internal abstract class DigestCheckingStream : Stream
{
    private const long ProgressStep = 1024 * 1024;

    private readonly Stream _inner;
    private readonly IDisposable? _owner;
    private readonly Digest _expected;
    private readonly long? _expectedSize;
    private readonly Action<long>? _progress;
    private readonly IncrementalHash _hash;
    private long _read;
    private long _reported;
    private bool _verified;

    /// <param name="inner">The content; disposed with this stream.</param>
    /// <param name="owner">What else to dispose with it (the HTTP response the content streams from), if anything.</param>
    /// <param name="expected">The digest the content must hash to.</param>
    /// <param name="expectedSize">The size it must have; null when only the digest is known.</param>
    /// <param name="progress">Told the bytes read so far every mebibyte and at the end, if given.</param>
    protected DigestCheckingStream(Stream inner, IDisposable? owner, Digest expected, long? expectedSize, Action<long>? progress)
    {
        _inner = inner;
        _owner = owner;
        _expected = expected;
        _expectedSize = expectedSize;
        _progress = progress;
        _hash = expected.CreateHash();
    }

    public override bool CanRead => true;

    public override bool CanSeek => false;

    public override bool CanWrite => false;

    public override long Length => _expectedSize ?? _inner.Length;

    public override long Position
    {
        get => _read;
        set => throw new NotSupportedException();
    }

    /// <summary>The content was longer than <paramref name="size"/>.</summary>
    protected abstract Exception TooLong(long size);

    /// <summary>The content ended after <paramref name="read"/> bytes, not <paramref name="size"/>.</summary>
    protected abstract Exception WrongSize(long read, long size);

    /// <summary>The content hashed to <paramref name="actual"/>, not to the expected digest.</summary>
    protected abstract Exception WrongDigest(Digest actual);

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

    /// <summary>Reads whatever the consumer left unread, so the digest is checked over the whole content.</summary>
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

    public override async ValueTask DisposeAsync()
    {
        await _inner.DisposeAsync().ConfigureAwait(false);
        _owner?.Dispose();
        _hash.Dispose();
        await base.DisposeAsync().ConfigureAwait(false);
    }

    private void Account(ReadOnlySpan<byte> bytes)
    {
        if (_verified)
        {
            if (bytes.Length > 0)
            {
                throw TooLong(_expectedSize ?? _read);
            }

            return;
        }

        _read += bytes.Length;
        if (_expectedSize is { } limit && _read > limit)
        {
            throw TooLong(limit);
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

        if (_expectedSize is { } size && _read != size)
        {
            throw WrongSize(_read, size);
        }

        var actual = Digest.FromHash(_expected.Algorithm, _hash.GetCurrentHash());
        if (actual != _expected)
        {
            throw WrongDigest(actual);
        }

        _verified = true;
    }
}
