using Wharf.Server.Events;

namespace Wharf.Server.Models;

/// <summary>A registered model with all its versions, aliases and registry repository was deleted.</summary>
internal sealed record ModelDeleted(string Project, string Model, string Repository) : IDomainEvent
{
    public static string EventType => "models.model-deleted";
}
