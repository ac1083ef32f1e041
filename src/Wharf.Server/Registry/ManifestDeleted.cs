using Wharf.Server.Events;

namespace Wharf.Server.Registry;

/// <summary>A manifest was deleted, with every tag that pointed at it.</summary>
internal sealed record ManifestDeleted(string Repository, string Digest) : IDomainEvent
{
    public static string EventType => "registry.manifest-deleted";
}
