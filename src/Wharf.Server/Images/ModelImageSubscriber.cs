using Wharf.Server.Events;
using Wharf.Server.Models;

namespace Wharf.Server.Images;

/// <summary>
/// Wakes the builder when a version becomes READY. Only a wake-up: the builder finds its work from the tables
/// (level-triggered), so a lost or repeated event changes nothing.
/// </summary>
internal sealed class ModelImageSubscriber(ModelImageSignal signal) : IEventSubscriber
{
    public string Name => "model-images";

    public IReadOnlyCollection<string> EventTypes { get; } = [ModelVersionReady.EventType];

    public Task HandleAsync(EventEnvelope envelope, CancellationToken cancellationToken = default)
    {
        signal.Wake();
        return Task.CompletedTask;
    }
}
