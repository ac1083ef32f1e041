namespace Wharf.Server.Auth;

/// <summary>Limits on failed sign-ins, bound from <c>Wharf:Auth:Login</c>.</summary>
internal sealed class LoginThrottleOptions
{
    public const string Section = "Wharf:Auth:Login";

    /// <summary>Failed sign-ins one remote address, or one username, may make within <see cref="Window"/>.</summary>
    public int MaxFailures { get; set; } = 10;

    /// <summary>The sliding window the failures are counted in.</summary>
    public TimeSpan Window { get; set; } = TimeSpan.FromMinutes(5);

    /// <summary>How many addresses and usernames are tracked at once; bounds the memory an attacker can make it use.</summary>
    public int MaxTrackedKeys { get; set; } = 100_000;
}
