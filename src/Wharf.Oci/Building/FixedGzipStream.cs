using System.Buffers.Binary;
using System.IO.Compression;
using System.IO.Hashing;

namespace Wharf.Oci.Building;

/// <summary>
/// gzip (RFC 1952) written by hand around a raw <see cref="DeflateStream"/>, so no header byte depends on the machine:
/// <c>1f 8b 08 00 00000000 00 ff</c> (deflate, no flags, mtime 0, no extra flags, OS "unknown" as Go writes it),
/// then the deflate data at zlib level 6 with the default strategy, then CRC-32 and ISIZE, little-endian.
/// GZipStream is not used: the OS byte it writes comes from the zlib build.
/// </summary>
internal sealed class FixedGzipStream : Stream
{
    /// <summary>The 10-byte header every layer starts with.</summary>
    public static ReadOnlySpan<byte> Header => [0x1f, 0x8b, 0x08, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0xff];

    private readonly Stream _output;
    private readonly DeflateStream _deflate;
    private readonly Crc32 _crc = new();
    private long _length;
    private bool _headerWritten;
    private bool _finished;

    public FixedGzipStream(Stream output)
    {
        _output = output;
        _deflate = new DeflateStream(output, new ZLibCompressionOptions { CompressionLevel = 6, CompressionStrategy = ZLibCompressionStrategy.Default }, leaveOpen: true);
    }

    public override bool CanRead => false;

    public override bool CanSeek => false;

    public override bool CanWrite => true;

    public override long Length => _length;

    public override long Position
    {
        get => _length;
        set => throw new NotSupportedException();
    }

    public override void Write(byte[] buffer, int offset, int count) => Write(buffer.AsSpan(offset, count));

    public override void Write(ReadOnlySpan<byte> buffer)
    {
        if (!_headerWritten)
        {
            _output.Write(Header);
            _headerWritten = true;
        }

        _crc.Append(buffer);
        _length += buffer.Length;
        _deflate.Write(buffer);
    }

    public override async ValueTask WriteAsync(ReadOnlyMemory<byte> buffer, CancellationToken cancellationToken = default)
    {
        if (!_headerWritten)
        {
            await _output.WriteAsync(Header.ToArray(), cancellationToken);
            _headerWritten = true;
        }

        _crc.Append(buffer.Span);
        _length += buffer.Length;
        await _deflate.WriteAsync(buffer, cancellationToken);
    }

    public override Task WriteAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken)
        => WriteAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();

    /// <summary>Ends the deflate stream and writes the trailer; the stream is unusable afterwards.</summary>
    public async Task FinishAsync(CancellationToken cancellationToken)
    {
        if (_finished)
        {
            return;
        }

        if (!_headerWritten)
        {
            await _output.WriteAsync(Header.ToArray(), cancellationToken);
            _headerWritten = true;
        }

        await _deflate.DisposeAsync();
        var trailer = new byte[8];
        BinaryPrimitives.WriteUInt32LittleEndian(trailer, _crc.GetCurrentHashAsUInt32());
        BinaryPrimitives.WriteUInt32LittleEndian(trailer.AsSpan(4), unchecked((uint)_length));
        await _output.WriteAsync(trailer, cancellationToken);
        _finished = true;
    }

    public override void Flush()
    {
    }

    public override Task FlushAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public override int Read(byte[] buffer, int offset, int count) => throw new NotSupportedException();

    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

    public override void SetLength(long value) => throw new NotSupportedException();

    protected override void Dispose(bool disposing)
    {
        if (disposing)
        {
            _deflate.Dispose();
        }

        base.Dispose(disposing);
    }
}
