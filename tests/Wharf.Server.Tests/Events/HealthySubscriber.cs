using Wharf.Server.Events;

namespace Wharf.Server.Tests.Events;

internal sealed class HealthySubscriber(SubscriberJournal journal) : IEventSubscriber
{
    public const string SubscriberName = "test.healthy";

    public string Name => SubscriberName;

    public IReadOnlyCollection<string> EventTypes { get; } = [ThingRenamed.EventType];

    public Task HandleAsync(EventEnvelope envelope, CancellationToken cancellationToken = default)
        => journal.HandleAsync(Name, envelope);
}
