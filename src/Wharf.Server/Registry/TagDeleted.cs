using Wharf.Server.Events;

namespace Wharf.Server.Registry;

/// <summary>A tag was deleted; the manifest it pointed at stays.</summary>
internal sealed record TagDeleted(string Repository, string Tag, string Digest) : IDomainEvent
{
    public static string EventType => "registry.tag-deleted";
}
