namespace Wharf.Client.Webhooks;

/// <summary>The body of <c>POST /api/v1/projects/{project}/webhooks</c>.</summary>
/// <param name="Url">An absolute http(s) URL without user info.</param>
/// <param name="Events">Event types or prefixes (<c>models.*</c>); null or empty for every event of the project.</param>
/// <param name="Secret">The signing secret (16 to 256 characters); null to let the server generate one.</param>
/// <param name="Description">A note for people.</param>
/// <param name="Active">Whether events are sent to it from now on.</param>
public sealed record CreateWebhookRequest(
    string Url, IReadOnlyList<string>? Events = null, string? Secret = null, string? Description = null, bool Active = true);
