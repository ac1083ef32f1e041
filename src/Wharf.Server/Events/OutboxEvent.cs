namespace Wharf.Server.Events;

/// <summary>A row of <c>outbox_events</c>: a domain event committed with the change that raised it.</summary>
internal sealed class OutboxEvent
{
    public const int MaxTypeLength = 200;
    public const int MaxAggregateKeyLength = 200;

    public long Id { get; set; }

    public required string Type { get; init; }

    public string? AggregateKey { get; init; }

    public required string Payload { get; init; }

    /// <summary>Stamped by <see cref="OutboxInterceptor"/> when the event is saved.</summary>
    public DateTimeOffset OccurredAt { get; set; }

    /// <summary>When the dispatcher created the event's delivery rows; null until then.</summary>
    public DateTimeOffset? DispatchedAt { get; set; }

    public List<OutboxDelivery> Deliveries { get; } = [];
}
