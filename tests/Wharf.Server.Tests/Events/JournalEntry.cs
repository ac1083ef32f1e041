using Wharf.Server.Events;

namespace Wharf.Server.Tests.Events;

internal sealed record JournalEntry(string Subscriber, EventEnvelope Envelope, bool Accepted);
