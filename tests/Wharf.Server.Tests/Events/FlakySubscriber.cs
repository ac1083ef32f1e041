using Wharf.Server.Events;

namespace Wharf.Server.Tests.Events;

/// <summary>Throws when the journal says so (<see cref="SubscriberJournal.FailNext"/>).</summary>
internal sealed class FlakySubscriber(SubscriberJournal journal) : IEventSubscriber
{
    public const string SubscriberName = "test.flaky";

    public string Name => SubscriberName;

    public IReadOnlyCollection<string> EventTypes { get; } = [ThingRenamed.EventType];

    public Task HandleAsync(EventEnvelope envelope, CancellationToken cancellationToken = default)
        => journal.HandleAsync(Name, envelope);
}
