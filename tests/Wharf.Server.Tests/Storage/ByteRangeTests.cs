using Wharf.Server.Storage;

namespace Wharf.Server.Tests.Storage;

public sealed class ByteRangeTests
{
    [Theory]
    [InlineData("0-99", 0, 99)]
    [InlineData("100-100", 100, 100)]
    [InlineData("bytes 5-9/100", 5, 9)]
    [InlineData(" 7-8 ", 7, 8)]
    public void TryParseContentRange_Valid_ReturnsInclusiveRange(string value, long start, long end)
    {
        Assert.True(ByteRange.TryParseContentRange(value, out var range));
        Assert.Equal(new ByteRange(start, end), range);
    }

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    [InlineData("abc")]
    [InlineData("9-5")]
    [InlineData("-5")]
    [InlineData("5-")]
    [InlineData("-1-5")]
    [InlineData("1-99999999999999999999999")]
    public void TryParseContentRange_Invalid_ReturnsFalse(string? value)
    {
        Assert.False(ByteRange.TryParseContentRange(value, out _));
    }

    [Theory]
    [InlineData("bytes=0-9", 100, 0, 9)]
    [InlineData("bytes=90-", 100, 90, 99)]
    [InlineData("bytes=90-1000", 100, 90, 99)]
    [InlineData("bytes=-10", 100, 90, 99)]
    [InlineData("bytes=-1000", 100, 0, 99)]
    public void TryParseRange_SatisfiableRange_IsClampedToBlob(string value, long size, long start, long end)
    {
        Assert.True(ByteRange.TryParseRange(value, size, out var range, out var satisfiable));
        Assert.True(satisfiable);
        Assert.Equal(new ByteRange(start, end), range);
    }

    [Theory]
    [InlineData("bytes=100-", 100)]
    [InlineData("bytes=-0", 100)]
    [InlineData("bytes=0-", 0)]
    [InlineData("bytes=500-0", 1000)]
    public void TryParseRange_OutsideBlob_IsUnsatisfiable(string value, long size)
    {
        Assert.True(ByteRange.TryParseRange(value, size, out _, out var satisfiable));
        Assert.False(satisfiable);
    }

    [Theory]
    [InlineData(null)]
    [InlineData("items=0-5")]
    [InlineData("bytes=0-5,10-20")]
    [InlineData("bytes=x-")]
    public void TryParseRange_NotASingleByteRange_IsIgnored(string? value)
    {
        Assert.False(ByteRange.TryParseRange(value, 100, out _, out _));
    }
}
