using Wharf.Server.Events;

namespace Wharf.Server.Models;

/// <summary>A version finished registration: its manifest is pushed and tagged v&lt;N&gt;. Reference is &lt;repository&gt;:v&lt;N&gt;, Digest the manifest's.</summary>
internal sealed record ModelVersionReady(string Project, string Model, int Version, string Repository, string Reference, string Digest) : IDomainEvent
{
    public static string EventType => "models.version-ready";
}
