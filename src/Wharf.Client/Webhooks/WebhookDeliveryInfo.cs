namespace Wharf.Client.Webhooks;

/// <summary>One event owed to one webhook, with its attempts.</summary>
/// <param name="Id">The row id (for paging).</param>
/// <param name="DeliveryId">Sent as <c>X-Wharf-Delivery</c>, the same on every retry.</param>
/// <param name="EventId">The event's id (the body's <c>id</c>); null for pings.</param>
/// <param name="EventType">Sent as <c>X-Wharf-Event</c>.</param>
/// <param name="State"><c>pending</c>, <c>delivered</c> or <c>failed</c>.</param>
/// <param name="Attempts">Attempts made.</param>
/// <param name="LastStatusCode">The last answer's status code.</param>
/// <param name="LastError">Why the last attempt failed.</param>
/// <param name="LastDurationMs">How long the last attempt took.</param>
/// <param name="BodySha256">Hex SHA-256 of the body sent.</param>
/// <param name="CreatedAt">When it was queued.</param>
/// <param name="NextAttemptAt">When it is tried next, while pending.</param>
/// <param name="CompletedAt">When it was delivered or given up.</param>
/// <param name="AttemptLog">Every attempt, oldest first.</param>
public sealed record WebhookDeliveryInfo(
    long Id, Guid DeliveryId, long? EventId, string EventType, string State, int Attempts, int? LastStatusCode, string? LastError,
    long? LastDurationMs, string BodySha256, DateTimeOffset CreatedAt, DateTimeOffset? NextAttemptAt, DateTimeOffset? CompletedAt,
    IReadOnlyList<WebhookDeliveryAttemptInfo> AttemptLog);
