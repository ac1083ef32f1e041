namespace Wharf.Server.Events.Webhooks;

/// <summary>
/// A row of <c>webhook_deliveries</c>: one event owed to one webhook. The body is fixed when the row is written, so
/// every retry sends the same bytes under the same <see cref="DeliveryId"/> (<c>X-Wharf-Delivery</c>); each attempt
/// is a <see cref="WebhookDeliveryAttempt"/>.
/// </summary>
internal sealed class WebhookDelivery
{
    public const int MaxEventTypeLength = OutboxEvent.MaxTypeLength;
    public const int MaxErrorLength = 2000;

    public long Id { get; set; }

    public long WebhookId { get; init; }

    public Webhook Webhook { get; init; } = null!;

    /// <summary>Sent as <c>X-Wharf-Delivery</c>; stable across retries.</summary>
    public Guid DeliveryId { get; init; }

    /// <summary>The outbox event delivered; null for a ping, which is not a domain event.</summary>
    public long? EventId { get; init; }

    public required string EventType { get; init; }

    /// <summary>The exact JSON body sent on every attempt.</summary>
    public required string Body { get; init; }

    /// <summary>Lower-case hex SHA-256 of the UTF-8 <see cref="Body"/>, to compare with what a receiver logged.</summary>
    public required string BodySha256 { get; init; }

    public WebhookDeliveryState State { get; set; }

    public int Attempts { get; set; }

    public int? LastStatusCode { get; set; }

    public string? LastError { get; set; }

    public long? LastDurationMs { get; set; }

    public DateTimeOffset CreatedAt { get; init; }

    public DateTimeOffset UpdatedAt { get; set; }

    public DateTimeOffset NextAttemptAt { get; set; }

    public DateTimeOffset? CompletedAt { get; set; }

    /// <summary>The claim of the pass sending this row; another pass skips it until it expires.</summary>
    public Guid? LeaseId { get; set; }

    public DateTimeOffset? LeaseExpiresAt { get; set; }

    public List<WebhookDeliveryAttempt> AttemptLog { get; } = [];

    /// <summary>A new delivery, due now.</summary>
    public static WebhookDelivery Create(long webhookId, long? eventId, string eventType, string body, DateTimeOffset now) => new()
    {
        WebhookId = webhookId,
        DeliveryId = Guid.NewGuid(),
        EventId = eventId,
        EventType = eventType,
        Body = body,
        BodySha256 = WebhookPayload.Sha256(body),
        State = WebhookDeliveryState.Pending,
        CreatedAt = now,
        UpdatedAt = now,
        NextAttemptAt = now,
    };
}
