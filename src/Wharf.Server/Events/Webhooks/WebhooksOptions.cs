namespace Wharf.Server.Events.Webhooks;

/// <summary>Webhook delivery settings, bound from <c>Wharf:Webhooks</c>.</summary>
internal sealed class WebhooksOptions
{
    public const string Section = "Wharf:Webhooks";

    /// <summary>
    /// Destinations the outbound client may reach although they are loopback, private, link-local or metadata
    /// addresses: CIDRs (<c>10.0.0.0/8</c>), addresses (<c>10.1.2.3</c>), or either with a port
    /// (<c>127.0.0.1:9000</c>, <c>[::1]:9000</c>), or <c>host:port</c> for a host name. Empty: only public addresses.
    /// </summary>
    public List<string> AllowedNetworks { get; set; } = [];

    /// <summary>Attempts per delivery, the first included; the last failure marks it failed.</summary>
    public int MaxAttempts { get; set; } = 8;

    /// <summary>Delay before the first retry; it doubles per attempt (with up to 25% jitter) up to <see cref="RetryMaxDelay"/>.</summary>
    public TimeSpan RetryBaseDelay { get; set; } = TimeSpan.FromSeconds(10);

    public TimeSpan RetryMaxDelay { get; set; } = TimeSpan.FromHours(1);

    /// <summary>The whole of one attempt, redirects included: a slow receiver costs at most this.</summary>
    public TimeSpan RequestTimeout { get; set; } = TimeSpan.FromSeconds(10);

    public TimeSpan ConnectTimeout { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>How often the sender looks for due deliveries when nothing woke it.</summary>
    public TimeSpan PollInterval { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>Deliveries sent at once, so one dead receiver cannot hold up the others.</summary>
    public int MaxConcurrency { get; set; } = 8;

    /// <summary>How long claimed deliveries stay reserved for one sender; longer than <see cref="RequestTimeout"/>.</summary>
    public TimeSpan LeaseDuration { get; set; } = TimeSpan.FromMinutes(2);

    /// <summary>How long delivered and failed deliveries stay in the delivery log.</summary>
    public TimeSpan Retention { get; set; } = TimeSpan.FromDays(30);

    /// <summary>The delay before retrying a delivery that failed <paramref name="attempts"/> times, with jitter.</summary>
    public TimeSpan RetryDelay(int attempts, double jitter)
    {
        var exponent = Math.Clamp(attempts - 1, 0, 30);
        var delay = RetryBaseDelay * Math.Pow(2, exponent);
        if (delay > RetryMaxDelay)
        {
            delay = RetryMaxDelay;
        }

        // Jitter spreads the retries of many deliveries that failed together (a receiver's outage) apart.
        return delay + delay * (0.25 * Math.Clamp(jitter, 0, 1));
    }
}
