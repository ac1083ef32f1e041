using Wharf.Server.Events;

namespace Wharf.Server.Registry;

/// <summary>A manifest was pushed (by digest, or by tag when <see cref="Tag"/> is set).</summary>
internal sealed record ManifestPushed(string Repository, string Digest, string MediaType, string? ArtifactType, string? Tag, string? Subject)
    : IDomainEvent
{
    public static string EventType => "registry.manifest-pushed";
}
