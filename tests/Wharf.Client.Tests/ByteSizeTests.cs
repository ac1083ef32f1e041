namespace Wharf.Client.Tests;

public sealed class ByteSizeTests
{
    [Theory]
    [InlineData(0, "0 B")]
    [InlineData(1023, "1023 B")]
    [InlineData(1024, "1.0 KiB")]
    [InlineData(1536, "1.5 KiB")]
    [InlineData(5L * 1024 * 1024 * 1024, "5.0 GiB")]
    [InlineData(long.MaxValue, "8192.0 PiB")]
    public void Format_Bytes_UsesBinaryUnitsLikeTheCli(long bytes, string expected)
        => Assert.Equal(expected, ByteSize.Format(bytes));

    [Theory]
    [InlineData(0, "0 bytes")]
    [InlineData(1, "1 byte")]
    [InlineData(1536, "1,536 bytes")]
    public void FormatExact_Bytes_GroupsThousands(long bytes, string expected)
        => Assert.Equal(expected, ByteSize.FormatExact(bytes));

    [Fact]
    public void Format_Negative_Throws()
        => Assert.Throws<ArgumentOutOfRangeException>(() => ByteSize.Format(-1));
}
