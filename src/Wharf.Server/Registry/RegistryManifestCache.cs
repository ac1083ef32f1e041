using Microsoft.Extensions.Caching.Memory;

namespace Wharf.Server.Registry;

/// <summary>
/// Manifest bytes by digest, shared by every repository and request. A digest is the hash of the bytes, so an entry
/// can never be stale: nothing to invalidate when a tag moves or a manifest is deleted, and nothing to coordinate
/// with other server processes. Whether a repository may serve a manifest, and under which media type, is still
/// decided by the database on every request (<see cref="RegistryStore.FindManifestHeadAsync"/>); this cache only
/// saves reading and copying the content column. Bounded by total bytes; least recently used entries go first.
/// </summary>
internal sealed class RegistryManifestCache : IDisposable
{
    /// <summary>
    /// Room for thousands of typical manifests (1–10 KiB; the 4 MiB maximum is rare): enough for every hot image of
    /// a busy registry, small next to the server's working set.
    /// </summary>
    public const long DefaultCapacityBytes = 32L * 1024 * 1024;

    private readonly MemoryCache _entries;

    public RegistryManifestCache()
        : this(DefaultCapacityBytes)
    {
    }

    public RegistryManifestCache(long capacityBytes)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(capacityBytes);
        _entries = new MemoryCache(new MemoryCacheOptions { SizeLimit = capacityBytes });
    }

    public bool TryGet(string digest, out byte[] content)
    {
        if (_entries.TryGetValue(digest, out var value) && value is byte[] bytes)
        {
            content = bytes;
            return true;
        }

        content = [];
        return false;
    }

    /// <summary>Remembers the bytes of <paramref name="digest"/>; the caller guarantees they hash to it.</summary>
    public void Add(string digest, byte[] content)
    {
        // A manifest larger than the whole cache is simply not kept (MemoryCache refuses entries over its limit).
        _entries.Set(digest, content, new MemoryCacheEntryOptions { Size = Math.Max(content.Length, 1) });
    }

    public void Dispose() => _entries.Dispose();
}
