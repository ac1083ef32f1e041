using Wharf.TestModels;

namespace Wharf.Server.Tests.Storage;

/// <summary>A non-seekable stream over bytes in memory that hands them out a few at a time, like a slow client.</summary>
internal sealed class TrickleStream(byte[] content, int maxReadSize, Action? afterLastRead = null) : ReadOnlyStreamBase
{
    private int _position;

    public override int Read(Span<byte> buffer)
    {
        var count = Math.Min(Math.Min(buffer.Length, maxReadSize), content.Length - _position);
        content.AsSpan(_position, count).CopyTo(buffer);
        _position += count;
        if (count == 0)
        {
            afterLastRead?.Invoke();
        }

        return count;
    }
}
