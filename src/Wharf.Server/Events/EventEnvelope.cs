using System.Text.Json;

namespace Wharf.Server.Events;

/// <summary>An event as a subscriber receives it.</summary>
/// <param name="Id">The outbox id, unique: the key to deduplicate a redelivery by.</param>
/// <param name="Type">The <see cref="IDomainEvent.EventType"/>.</param>
/// <param name="AggregateKey">Events with the same key reach a subscriber in id order; null when unordered.</param>
/// <param name="OccurredAt">When the change that raised the event was saved.</param>
/// <param name="Payload">The event as JSON.</param>
/// <param name="Attempt">1 on the first delivery to this subscriber, more on retries.</param>
internal sealed record EventEnvelope(
    long Id, string Type, string? AggregateKey, DateTimeOffset OccurredAt, string Payload, int Attempt)
{
    public TEvent Deserialize<TEvent>() where TEvent : IDomainEvent
    {
        if (!string.Equals(Type, TEvent.EventType, StringComparison.Ordinal))
        {
            throw new InvalidOperationException(
                $"Event {Id} is a '{Type}', not a '{TEvent.EventType}' ({typeof(TEvent).Name}).");
        }

        return JsonSerializer.Deserialize<TEvent>(Payload, JsonSerializerOptions.Web)
            ?? throw new InvalidOperationException($"Event {Id} has an empty payload.");
    }
}
