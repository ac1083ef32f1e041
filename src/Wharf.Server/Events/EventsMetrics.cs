using Prometheus;

namespace Wharf.Server.Events;

internal static class EventsMetrics
{
    public static readonly Counter Dispatched = Metrics.CreateCounter(
        "wharf_events_dispatched_total", "Events delivered to a subscriber.", "subscriber");

    public static readonly Counter Failures = Metrics.CreateCounter(
        "wharf_events_delivery_failures_total", "Deliveries whose subscriber threw; each is retried later.", "subscriber");

    public static readonly Gauge Pending = Metrics.CreateGauge(
        "wharf_events_pending", "Deliveries owed to subscribers, plus events not yet fanned out to them.");

    public static readonly Histogram DeliveryDuration = Metrics.CreateHistogram(
        "wharf_events_delivery_duration_seconds", "Time a subscriber took to handle an event.",
        new HistogramConfiguration { LabelNames = ["subscriber"] });
}
