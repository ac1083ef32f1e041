using System.Net;
using Wharf.Server.Events.Webhooks;

namespace Wharf.Server.Tests.Events.Webhooks;

public sealed class AllowedDestinationTests
{
    [Theory]
    [InlineData("127.0.0.1:9000", "127.0.0.1", 9000, true)]
    [InlineData("127.0.0.1:9000", "127.0.0.1", 9001, false)]
    [InlineData("127.0.0.1:9000", "127.0.0.2", 9000, false)]
    [InlineData("127.0.0.1:9000", "::ffff:127.0.0.1", 9000, true)]
    [InlineData("10.0.0.0/8", "10.9.8.7", 443, true)]
    [InlineData("10.0.0.0/8", "11.0.0.1", 443, false)]
    [InlineData("10.0.0.0/8:8443", "10.9.8.7", 8443, true)]
    [InlineData("10.0.0.0/8:8443", "10.9.8.7", 443, false)]
    [InlineData("::1", "::1", 80, true)]
    [InlineData("[::1]:80", "::1", 80, true)]
    [InlineData("[::1]:80", "::1", 81, false)]
    [InlineData("192.168.1.5", "192.168.1.5", 1, true)]
    public void Allows_Entry_MatchesAddressAndPort(string entry, string address, int port, bool allowed)
    {
        Assert.True(AllowedDestination.TryParse(entry, out var destination));
        Assert.Equal(allowed, destination.Allows("receiver", IPAddress.Parse(address), port));
    }

    [Fact]
    public void Allows_HostEntry_MatchesTheNameAndPortOnly()
    {
        Assert.True(AllowedDestination.TryParse("hooks.internal:8080", out var destination));

        Assert.True(destination.Allows("HOOKS.internal", IPAddress.Parse("10.0.0.5"), 8080));
        Assert.False(destination.Allows("hooks.internal", IPAddress.Parse("10.0.0.5"), 8081));
        Assert.False(destination.Allows("other.internal", IPAddress.Parse("10.0.0.5"), 8080));
    }

    [Theory]
    [InlineData("")]
    [InlineData("hooks.internal")]
    [InlineData("127.0.0.1:0")]
    [InlineData("127.0.0.1:70000")]
    [InlineData("10.0.0.0/33")]
    [InlineData("not a host:80")]
    public void TryParse_BadEntry_Fails(string entry)
    {
        Assert.False(AllowedDestination.TryParse(entry, out _));
    }
}
