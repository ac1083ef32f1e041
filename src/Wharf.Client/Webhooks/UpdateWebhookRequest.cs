namespace Wharf.Client.Webhooks;

/// <summary>The body of <c>PATCH /api/v1/projects/{project}/webhooks/{id}</c>; null fields stay as they are.</summary>
/// <param name="Url">A new URL.</param>
/// <param name="Events">A new event filter; empty for every event.</param>
/// <param name="Active">Switch sending on or off.</param>
/// <param name="Description">A new note.</param>
public sealed record UpdateWebhookRequest(string? Url = null, IReadOnlyList<string>? Events = null, bool? Active = null, string? Description = null);
