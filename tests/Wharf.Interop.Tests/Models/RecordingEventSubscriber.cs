using Wharf.Server.Events;
using Wharf.Server.Models;

namespace Wharf.Interop.Tests.Models;

/// <summary>A test subscriber of <c>models.alias-set</c>, registered in the server like any in-process subscriber.</summary>
internal sealed class RecordingEventSubscriber(RecordedEvents recorded) : IEventSubscriber
{
    public string Name => "interop-tests.models-alias-set";

    public IReadOnlyCollection<string> EventTypes { get; } = [ModelAliasSet.EventType];

    public Task HandleAsync(EventEnvelope envelope, CancellationToken cancellationToken = default)
    {
        recorded.Add(envelope);
        return Task.CompletedTask;
    }
}
