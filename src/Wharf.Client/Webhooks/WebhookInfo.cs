namespace Wharf.Client.Webhooks;

/// <summary>A project's webhook (never its secret).</summary>
/// <param name="Id">The webhook's id.</param>
/// <param name="Project">The project whose events it receives.</param>
/// <param name="Url">Where events are POSTed.</param>
/// <param name="Events">Event types or prefixes (<c>models.*</c>) it receives; empty means every event of the project.</param>
/// <param name="Active">Whether events are sent to it.</param>
/// <param name="Description">A note for people.</param>
/// <param name="CreatedBy">Who created it.</param>
/// <param name="CreatedAt">When it was created.</param>
/// <param name="UpdatedAt">When it was last changed.</param>
public sealed record WebhookInfo(
    long Id, string Project, string Url, IReadOnlyList<string> Events, bool Active, string? Description, string CreatedBy,
    DateTimeOffset CreatedAt, DateTimeOffset UpdatedAt);
