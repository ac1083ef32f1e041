namespace Wharf.Server.Events;

/// <summary>Event dispatch settings, bound from <c>Wharf:Events</c>.</summary>
internal sealed class EventsOptions
{
    public const string Section = "Wharf:Events";

    /// <summary>How often the dispatcher looks for work when nothing woke it.</summary>
    public TimeSpan PollInterval { get; set; } = TimeSpan.FromSeconds(1);

    /// <summary>Events fanned out, and deliveries claimed, per database round.</summary>
    public int BatchSize { get; set; } = 100;

    /// <summary>How long claimed deliveries stay reserved for one dispatcher before another may take them.</summary>
    public TimeSpan LeaseDuration { get; set; } = TimeSpan.FromMinutes(1);

    /// <summary>Delay before the first retry of a failed delivery; it doubles on each further failure.</summary>
    public TimeSpan RetryBaseDelay { get; set; } = TimeSpan.FromSeconds(2);

    /// <summary>The longest delay between two retries; a failing delivery is retried forever at this pace.</summary>
    public TimeSpan RetryMaxDelay { get; set; } = TimeSpan.FromMinutes(5);

    /// <summary>How long fully delivered events are kept before they are deleted.</summary>
    public TimeSpan Retention { get; set; } = TimeSpan.FromDays(7);

    /// <summary>The delay before retrying a delivery that failed <paramref name="attempts"/> times.</summary>
    public TimeSpan RetryDelay(int attempts)
    {
        var exponent = Math.Clamp(attempts - 1, 0, 30);
        var delay = RetryBaseDelay * Math.Pow(2, exponent);
        return delay < RetryMaxDelay ? delay : RetryMaxDelay;
    }
}
