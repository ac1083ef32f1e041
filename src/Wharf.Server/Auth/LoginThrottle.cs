using Microsoft.Extensions.Options;

namespace Wharf.Server.Auth;

/// <summary>
/// Counts failed sign-ins per remote address and per username in a sliding window, in memory. Either key over the
/// limit refuses the attempt before the password is even checked, so guessing is slowed against one account from
/// many addresses and against many accounts from one address. Per-username limits let someone lock a user out of the
/// form for a window; their tokens keep working, which is the trade-off every password form makes.
/// </summary>
internal sealed class LoginThrottle(TimeProvider time, IOptions<LoginThrottleOptions> options)
{
    private readonly LoginThrottleOptions options = options.Value;
    private readonly Dictionary<string, Queue<DateTimeOffset>> failures = new(StringComparer.Ordinal);
    private readonly Lock gate = new();

    /// <summary>How long until the next attempt may be made, or null when it may be made now.</summary>
    public TimeSpan? RetryAfter(string? remoteAddress, string? username)
    {
        var now = time.GetUtcNow();
        lock (gate)
        {
            TimeSpan? wait = null;
            foreach (var key in Keys(remoteAddress, username))
            {
                if (failures.TryGetValue(key, out var times) && Prune(times, now) >= options.MaxFailures)
                {
                    var until = times.Peek() + options.Window - now;
                    wait = wait is null || until > wait ? until : wait;
                }
            }

            return wait;
        }
    }

    public void RecordFailure(string? remoteAddress, string? username)
    {
        var now = time.GetUtcNow();
        lock (gate)
        {
            foreach (var key in Keys(remoteAddress, username))
            {
                if (!failures.TryGetValue(key, out var times))
                {
                    if (failures.Count >= options.MaxTrackedKeys && !Sweep(now))
                    {
                        // Full of live entries: keys already tracked keep counting, new ones wait for room.
                        continue;
                    }

                    times = new Queue<DateTimeOffset>();
                    failures[key] = times;
                }

                Prune(times, now);
                times.Enqueue(now);
            }
        }
    }

    /// <summary>A successful sign-in clears the username's failures (not the address's: one good account must not reset it).</summary>
    public void Succeeded(string? username)
    {
        lock (gate)
        {
            failures.Remove(UserKey(username));
        }
    }

    /// <summary>The keys an attempt counts against; a null username (a token presented as the secret) counts per address only.</summary>
    private static string[] Keys(string? remoteAddress, string? username) =>
        username is null ? ["ip:" + (remoteAddress ?? "unknown")] : ["ip:" + (remoteAddress ?? "unknown"), UserKey(username)];

    private static string UserKey(string? username)
    {
        var name = (username ?? "").Trim().ToLowerInvariant();
        return "user:" + (name.Length > User.MaxUsernameLength ? name[..User.MaxUsernameLength] : name);
    }

    private int Prune(Queue<DateTimeOffset> times, DateTimeOffset now)
    {
        while (times.Count > 0 && times.Peek() + options.Window <= now)
        {
            times.Dequeue();
        }

        return times.Count;
    }

    /// <summary>Drops keys with no failure left in the window; true when that made room.</summary>
    private bool Sweep(DateTimeOffset now)
    {
        foreach (var (key, times) in failures)
        {
            if (Prune(times, now) == 0)
            {
                failures.Remove(key);
            }
        }

        return failures.Count < options.MaxTrackedKeys;
    }
}
