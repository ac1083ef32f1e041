using Wharf.TestModels;

namespace Wharf.Benchmarks.Images;

/// <summary>A read-only stream of <paramref name="length"/> pseudo-random bytes from a seed: the same seed, the same bytes.</summary>
internal sealed class RandomContentStream(long length, int seed) : ReadOnlyStreamBase
{
    private readonly Random _random = new(seed);
    private long _position;

    public override long Length => length;

    public override long Position { get => _position; set => throw new NotSupportedException(); }

    public override int Read(Span<byte> buffer)
    {
        var n = (int)Math.Min(buffer.Length, length - _position);
        _random.NextBytes(buffer[..n]);
        _position += n;
        return n;
    }
}
