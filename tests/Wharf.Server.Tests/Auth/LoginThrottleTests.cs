using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;
using Wharf.Server.Auth;

namespace Wharf.Server.Tests.Auth;

public sealed class LoginThrottleTests
{
    private static readonly TimeSpan Window = TimeSpan.FromMinutes(5);

    private static (LoginThrottle Throttle, FakeTimeProvider Time) Create(int maxFailures = 3, int maxTrackedKeys = 1000)
    {
        var time = new FakeTimeProvider(new DateTimeOffset(2026, 1, 1, 0, 0, 0, TimeSpan.Zero));
        var options = Options.Create(new LoginThrottleOptions { MaxFailures = maxFailures, Window = Window, MaxTrackedKeys = maxTrackedKeys });
        return (new LoginThrottle(time, options), time);
    }

    [Fact]
    public void RetryAfter_BelowLimit_IsNull()
    {
        var (throttle, _) = Create();
        throttle.RecordFailure("10.0.0.1", "alice");
        throttle.RecordFailure("10.0.0.1", "alice");

        Assert.Null(throttle.RetryAfter("10.0.0.1", "alice"));
    }

    [Fact]
    public void RetryAfter_SameUsernameFromManyAddresses_IsLimited()
    {
        var (throttle, _) = Create();
        throttle.RecordFailure("10.0.0.1", "alice");
        throttle.RecordFailure("10.0.0.2", "Alice");
        throttle.RecordFailure("10.0.0.3", "alice ");

        Assert.NotNull(throttle.RetryAfter("10.0.0.4", "alice"));
        Assert.Null(throttle.RetryAfter("10.0.0.4", "bob"));
    }

    [Fact]
    public void RetryAfter_ManyUsernamesFromOneAddress_IsLimited()
    {
        var (throttle, _) = Create();
        throttle.RecordFailure("10.0.0.1", "a");
        throttle.RecordFailure("10.0.0.1", "b");
        throttle.RecordFailure("10.0.0.1", "c");

        Assert.NotNull(throttle.RetryAfter("10.0.0.1", "d"));
        Assert.Null(throttle.RetryAfter("10.0.0.2", "d"));
    }

    [Fact]
    public void RetryAfter_WindowSlides_OldestFailureExpiresFirst()
    {
        var (throttle, time) = Create();
        throttle.RecordFailure("10.0.0.1", "alice");
        time.Advance(TimeSpan.FromMinutes(2));
        throttle.RecordFailure("10.0.0.1", "alice");
        throttle.RecordFailure("10.0.0.1", "alice");

        Assert.Equal(TimeSpan.FromMinutes(3), throttle.RetryAfter("10.0.0.1", "alice"));
        time.Advance(TimeSpan.FromMinutes(3));
        Assert.Null(throttle.RetryAfter("10.0.0.1", "alice"));
    }

    [Fact]
    public void Succeeded_ClearsTheUsernameButNotTheAddress()
    {
        var (throttle, _) = Create();
        for (var i = 0; i < 3; i++)
        {
            throttle.RecordFailure("10.0.0.1", "alice");
        }

        throttle.Succeeded("alice");

        Assert.Null(throttle.RetryAfter("10.0.0.2", "alice"));
        Assert.NotNull(throttle.RetryAfter("10.0.0.1", "bob"));
    }

    [Fact]
    public void RecordFailure_WhenFull_KeepsCountingTrackedKeys()
    {
        var (throttle, _) = Create(maxFailures: 2, maxTrackedKeys: 2);
        throttle.RecordFailure("10.0.0.1", "alice");
        for (var i = 0; i < 10; i++)
        {
            throttle.RecordFailure("10.0.0.9", "user" + i);
        }

        throttle.RecordFailure("10.0.0.1", "alice");

        Assert.NotNull(throttle.RetryAfter("10.0.0.1", "alice"));
    }
}
