using Wharf.Server.Registry;

namespace Wharf.Server.Tests.Registry;

public sealed class RegistryManifestCacheTests
{
    [Fact]
    public void TryGet_AfterAdd_ReturnsTheSameBytes()
    {
        using var cache = new RegistryManifestCache();
        byte[] content = [1, 2, 3];

        cache.Add("sha256:aa", content);

        Assert.True(cache.TryGet("sha256:aa", out var cached));
        Assert.Same(content, cached);
    }

    [Fact]
    public void TryGet_UnknownDigest_ReturnsFalse()
    {
        using var cache = new RegistryManifestCache();
        cache.Add("sha256:aa", [1]);

        Assert.False(cache.TryGet("sha256:bb", out var cached));
        Assert.Empty(cached);
    }

    [Fact]
    public void Add_LargerThanCapacity_IsNotKept()
    {
        using var cache = new RegistryManifestCache(capacityBytes: 8);

        cache.Add("sha256:big", new byte[9]);

        Assert.False(cache.TryGet("sha256:big", out _));
    }
}
