using Wharf.Server.Events;

namespace Wharf.Server.Models;

/// <summary>An alias was set or moved; PreviousVersion is the version it pointed at before, null when new. Reference is &lt;repository&gt;:&lt;alias&gt;.</summary>
internal sealed record ModelAliasSet(string Project, string Model, string Alias, int Version, int? PreviousVersion, string Repository, string Reference, string Digest) : IDomainEvent
{
    public static string EventType => "models.alias-set";
}
