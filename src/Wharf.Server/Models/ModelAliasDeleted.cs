using Wharf.Server.Events;

namespace Wharf.Server.Models;

/// <summary>An alias and its registry tag were deleted.</summary>
internal sealed record ModelAliasDeleted(string Project, string Model, string Alias, int Version, string Repository, string Reference) : IDomainEvent
{
    public static string EventType => "models.alias-deleted";
}
