using Wharf.Server.Events;

namespace Wharf.Server.Models;

/// <summary>A version failed registration (status FAILED_REGISTRATION); nothing was pushed.</summary>
internal sealed record ModelVersionFailed(string Project, string Model, int Version, string Repository, string Reason) : IDomainEvent
{
    public static string EventType => "models.version-failed";
}
