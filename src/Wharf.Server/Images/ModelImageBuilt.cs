using Wharf.Server.Events;

namespace Wharf.Server.Images;

/// <summary>The image of a model version is pushed and tagged: Reference is &lt;project&gt;/images/&lt;model&gt;:v&lt;N&gt;, Digest the manifest's.</summary>
internal sealed record ModelImageBuilt(string Project, string Model, int Version, string Reference, string Digest, string ModelDigest) : IDomainEvent
{
    public static string EventType => "models.image-built";
}
