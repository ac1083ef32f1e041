namespace Wharf.Server.Events;

/// <summary>
/// A fact a feature records with <see cref="OutboxDbContextExtensions.AddEvent"/>; a record serialized as JSON.
/// </summary>
internal interface IDomainEvent
{
    /// <summary>
    /// The stable name stored with the event, such as <c>models.version-registered</c>. Never derived from the CLR
    /// name: renaming a class must not orphan events already stored.
    /// </summary>
    static abstract string EventType { get; }
}
