using System.Text.Json;
using Wharf.Server.Data;

namespace Wharf.Server.Events;

internal static class OutboxDbContextExtensions
{
    /// <summary>
    /// Records a domain event in the outbox of <paramref name="db"/>. Nothing is sent now: the event is saved by the
    /// next <c>SaveChangesAsync</c>, in the same transaction as the change that raised it, so the event exists if
    /// and only if the change does. The dispatcher delivers it after the commit.
    /// </summary>
    /// <param name="db">The context that saves the change.</param>
    /// <param name="domainEvent">The event; serialized as JSON now, so later mutations of it are not recorded.</param>
    /// <param name="aggregateKey">
    /// Events with the same key (for example <c>model:42</c>) reach each subscriber in the order they were written
    /// (outbox id order, which is write order as long as changes to one aggregate are serialized, as they should be
    /// anyway); null for events that need no order.
    /// </param>
    public static OutboxEvent AddEvent<TEvent>(this WharfDbContext db, TEvent domainEvent, string? aggregateKey = null)
        where TEvent : IDomainEvent
    {
        ArgumentNullException.ThrowIfNull(domainEvent);
        if (aggregateKey is { Length: > OutboxEvent.MaxAggregateKeyLength })
        {
            throw new ArgumentException(
                $"An aggregate key has at most {OutboxEvent.MaxAggregateKeyLength} characters.", nameof(aggregateKey));
        }

        var row = new OutboxEvent
        {
            Type = TEvent.EventType,
            AggregateKey = aggregateKey,
            Payload = JsonSerializer.Serialize(domainEvent, JsonSerializerOptions.Web),
        };
        db.OutboxEvents.Add(row);
        return row;
    }
}
