using System.Threading.Channels;
using Wharf.Server.Events;

namespace Wharf.Interop.Tests.Models;

/// <summary>
/// What <see cref="RecordingEventSubscriber"/> received, in delivery order. A singleton: the subscriber is scoped (a
/// fresh one per delivery), the record outlives it. Deliveries are at least once, so readers match on content.
/// </summary>
internal sealed class RecordedEvents
{
    private readonly Channel<EventEnvelope> _received = Channel.CreateUnbounded<EventEnvelope>();

    public void Add(EventEnvelope envelope) => _received.Writer.TryWrite(envelope);

    /// <summary>
    /// The first recorded envelope that <paramref name="match"/> accepts, waiting for deliveries until
    /// <paramref name="cancellationToken"/> gives up; envelopes read on the way are dropped.
    /// </summary>
    public async Task<EventEnvelope> FirstAsync(Func<EventEnvelope, bool> match, CancellationToken cancellationToken)
    {
        await foreach (var envelope in _received.Reader.ReadAllAsync(cancellationToken))
        {
            if (match(envelope))
            {
                return envelope;
            }
        }

        throw new InvalidOperationException("the event record was closed");
    }
}
