namespace Wharf.Server.Events.Webhooks;

/// <summary>A row of <c>webhook_delivery_attempts</c>: one try of a delivery, with what the receiver (or the network) said.</summary>
internal sealed class WebhookDeliveryAttempt
{
    public long Id { get; set; }

    public long DeliveryId { get; init; }

    public int Attempt { get; init; }

    public DateTimeOffset StartedAt { get; init; }

    public long DurationMs { get; init; }

    /// <summary>The receiver's status code; null when no answer came (refused address, timeout, connection error).</summary>
    public int? StatusCode { get; init; }

    public string? Error { get; init; }
}
