using Wharf.TestModels;

namespace Wharf.Benchmarks.Storage;

/// <summary>Bytes in memory behind a stream that cannot seek, like a request body; reads complete synchronously.</summary>
internal sealed class NonSeekableStream(byte[] content) : ReadOnlyStreamBase
{
    private int _position;

    public override int Read(Span<byte> buffer)
    {
        var count = Math.Min(buffer.Length, content.Length - _position);
        content.AsSpan(_position, count).CopyTo(buffer);
        _position += count;
        return count;
    }
}
