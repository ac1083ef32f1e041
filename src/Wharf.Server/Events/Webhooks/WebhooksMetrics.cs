using Prometheus;

namespace Wharf.Server.Events.Webhooks;

internal static class WebhooksMetrics
{
    public static readonly Counter Attempts = Metrics.CreateCounter(
        "wharf_webhooks_attempts_total", "Webhook delivery attempts, by outcome (success, failure).", "outcome");

    public static readonly Counter Failed = Metrics.CreateCounter(
        "wharf_webhooks_deliveries_failed_total", "Webhook deliveries given up after their last attempt.");

    public static readonly Histogram AttemptDuration = Metrics.CreateHistogram(
        "wharf_webhooks_attempt_duration_seconds", "Time one webhook attempt took, redirects included.");
}
