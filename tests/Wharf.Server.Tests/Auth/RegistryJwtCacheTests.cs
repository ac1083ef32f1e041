using Microsoft.Extensions.Time.Testing;
using Wharf.Server.Auth;
using Wharf.Server.Registry;

namespace Wharf.Server.Tests.Auth;

public sealed class RegistryJwtCacheTests
{
    private static readonly RegistryCaller Access = new(new Dictionary<string, RegistryActions>(StringComparer.Ordinal) { ["ml/app"] = RegistryActions.Pull }, null);

    [Fact]
    public void TryGet_UntilValidUntil_HitsThenExpires()
    {
        var time = new FakeTimeProvider(DateTimeOffset.Parse("2026-11-22T12:00:00Z", System.Globalization.CultureInfo.InvariantCulture));
        var cache = new RegistryJwtCache(time);
        cache.Add("a.b.c", Access, time.GetUtcNow().AddMinutes(5));

        Assert.True(cache.TryGet("a.b.c", out var hit));
        Assert.Same(Access, hit);
        Assert.False(cache.TryGet("a.b.d", out _));

        time.Advance(TimeSpan.FromMinutes(5) + TimeSpan.FromTicks(1));

        Assert.False(cache.TryGet("a.b.c", out _));
    }

    [Fact]
    public void Add_BeyondCapacity_StaysBounded()
    {
        var time = new FakeTimeProvider();
        var cache = new RegistryJwtCache(time);
        for (var i = 0; i < RegistryJwtCache.Capacity + 10; i++)
        {
            cache.Add($"token-{i}", Access, time.GetUtcNow().AddMinutes(5));
        }

        Assert.True(cache.TryGet($"token-{RegistryJwtCache.Capacity + 9}", out _));
        Assert.False(cache.TryGet("token-0", out _));
    }
}
