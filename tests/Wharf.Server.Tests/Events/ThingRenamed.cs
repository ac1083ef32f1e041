using Wharf.Server.Events;

namespace Wharf.Server.Tests.Events;

internal sealed record ThingRenamed(string Thing, string NewName) : IDomainEvent
{
    public static string EventType => "test.thing-renamed";
}
