using Wharf.Server.Events.Webhooks;

namespace Wharf.Server.Tests.Events.Webhooks;

public sealed class WebhookUrlTests
{
    [Theory]
    [InlineData("ftp://example.com/hook", "scheme")]
    [InlineData("file:///etc/passwd", "scheme")]
    [InlineData("javascript:alert(1)", "scheme")]
    [InlineData("http://user:pw@example.com/hook", "user info")]
    [InlineData("http://user@example.com/hook", "user info")]
    [InlineData("/relative/hook", "absolute")]
    [InlineData("http://example.com/a b", "whitespace")]
    [InlineData("http://example.com/hook#frag", "fragment")]
    [InlineData("", "required")]
    public void TryParse_HostileUrl_FailsWithReason(string url, string reason)
    {
        Assert.False(WebhookUrl.TryParse(url, out _, out var error));
        Assert.Contains(reason, error, StringComparison.Ordinal);
    }

    [Fact]
    public void TryParse_TenKilobyteUrl_FailsOnLength()
    {
        Assert.False(WebhookUrl.TryParse("http://example.com/" + new string('a', 10 * 1024), out _, out var error));
        Assert.Contains("at most", error, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("https://hooks.example.com/wharf?key=1")]
    [InlineData("http://127.0.0.1:9000/hook")]
    [InlineData("http://169.254.169.254/latest/meta-data")]
    public void TryParse_WellFormedUrl_Succeeds(string url)
    {
        Assert.True(WebhookUrl.TryParse(url, out var parsed, out _));
        Assert.Equal(url, parsed.OriginalString);
    }
}
