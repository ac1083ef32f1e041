namespace Wharf.Server.Events;

/// <summary>
/// Receives domain events in process, at least once: a handler must tolerate seeing an event again (check
/// <see cref="EventEnvelope.Id"/> or make the effect idempotent). Registered with
/// <see cref="EventsExtensions.AddEventSubscriber{TSubscriber}"/> as a scoped service, so it may inject
/// <c>WharfDbContext</c>; each delivery gets a fresh scope.
/// </summary>
internal interface IEventSubscriber
{
    /// <summary>
    /// Stable, unique name: the key of this subscriber's delivery records. Renaming a subscriber makes it a new one
    /// that receives only events written after it first ran.
    /// </summary>
    string Name { get; }

    /// <summary>The <see cref="IDomainEvent.EventType"/>s this subscriber receives.</summary>
    IReadOnlyCollection<string> EventTypes { get; }

    /// <summary>Handles one event; throwing schedules a retry with backoff for this subscriber only.</summary>
    Task HandleAsync(EventEnvelope envelope, CancellationToken cancellationToken = default);
}
