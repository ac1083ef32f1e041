using Wharf.Server.Events;

namespace Wharf.Server.Models;

/// <summary>A version, its manifest and its tags (v&lt;N&gt; and its aliases) were deleted.</summary>
internal sealed record ModelVersionDeleted(string Project, string Model, int Version, string Repository, string Reference, string? Digest, IReadOnlyList<string> Aliases) : IDomainEvent
{
    public static string EventType => "models.version-deleted";
}
