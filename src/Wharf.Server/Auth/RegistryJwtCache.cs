using System.Collections.Concurrent;
namespace Wharf.Server.Auth;

/// <summary>
/// Registry JWTs already verified, by their exact text, with the access they grant and when they expire. A docker or
/// podman client sends the same token with every request of a pull or push; verifying an ES256 signature each time
/// would cost more than serving a manifest from memory. Keyed on the whole token including its signature, so only a
/// byte-identical token that verified before can hit. Expiry is re-checked on every hit; the cache is bounded and
/// starts over when full, which costs at most one verification per live token.
/// </summary>
internal sealed class RegistryJwtCache(TimeProvider time)
{
    public const int Capacity = 10_000;

    private readonly ConcurrentDictionary<string, Entry> _entries = new(StringComparer.Ordinal);

    public bool TryGet(string token, out RegistryCaller caller)
    {
        if (_entries.TryGetValue(token, out var entry))
        {
            if (time.GetUtcNow() <= entry.ValidUntil)
            {
                caller = entry.Caller;
                return true;
            }

            _entries.TryRemove(token, out _);
        }

        caller = null!;
        return false;
    }

    /// <param name="token">The verified token.</param>
    /// <param name="caller">What it grants and whom it names.</param>
    /// <param name="validUntil">The last instant the validator would still accept it (expiry plus leeway).</param>
    public void Add(string token, RegistryCaller caller, DateTimeOffset validUntil)
    {
        if (_entries.Count >= Capacity)
        {
            _entries.Clear();
        }

        _entries[token] = new Entry(caller, validUntil);
    }

    private sealed record Entry(RegistryCaller Caller, DateTimeOffset ValidUntil);
}
