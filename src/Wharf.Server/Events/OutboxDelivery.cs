namespace Wharf.Server.Events;

/// <summary>
/// A row of <c>outbox_deliveries</c>: one event owed to one subscriber, with its own attempts and backoff, so a
/// failing subscriber is retried without redelivering to the others.
/// </summary>
internal sealed class OutboxDelivery
{
    public const int MaxSubscriberLength = 200;
    public const int MaxErrorLength = 2000;

    public long Id { get; set; }

    public long EventId { get; init; }

    public OutboxEvent Event { get; init; } = null!;

    public required string Subscriber { get; init; }

    /// <summary>The event's aggregate key, copied here so the in-order check is one index lookup.</summary>
    public string? AggregateKey { get; init; }

    public int Attempts { get; set; }

    public DateTimeOffset NextAttemptAt { get; set; }

    public DateTimeOffset? DeliveredAt { get; set; }

    public string? LastError { get; set; }

    /// <summary>The claim of the dispatcher pass working on this row; another pass skips it until it expires.</summary>
    public Guid? LeaseId { get; set; }

    public DateTimeOffset? LeaseExpiresAt { get; set; }
}
