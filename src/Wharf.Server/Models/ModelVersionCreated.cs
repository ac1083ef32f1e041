using Wharf.Server.Events;

namespace Wharf.Server.Models;

/// <summary>A version was created (status PENDING_REGISTRATION); its files are being registered.</summary>
internal sealed record ModelVersionCreated(string Project, string Model, int Version, string RunId, string Source, string Repository) : IDomainEvent
{
    public static string EventType => "models.version-created";
}
