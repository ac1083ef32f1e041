namespace Wharf.Server.Events.Webhooks;

/// <summary>
/// A row of <c>webhooks</c>: a URL of a project's that receives the project's events, signed with a secret the server
/// keeps protected by ASP.NET Core Data Protection (it must be readable to sign, so it cannot be a hash).
/// </summary>
internal sealed class Webhook
{
    public const int MaxUrlLength = 2048;
    public const int MaxEventsLength = 4000;
    public const int MaxDescriptionLength = 500;
    public const int MaxCreatedByLength = 200;
    public const int MaxProtectedSecretLength = 2000;

    public long Id { get; set; }

    public long ProjectId { get; init; }

    public required string Url { get; set; }

    /// <summary>The event-type filter, space-separated (<see cref="WebhookEventFilter"/>); empty means every event.</summary>
    public string Events { get; set; } = "";

    /// <summary>The signing secret as <c>IDataProtector.Protect</c> wrote it (<see cref="WebhookSecrets"/>).</summary>
    public required string ProtectedSecret { get; init; }

    public bool Active { get; set; } = true;

    public string? Description { get; set; }

    public required string CreatedBy { get; init; }

    public DateTimeOffset CreatedAt { get; init; }

    public DateTimeOffset UpdatedAt { get; set; }
}
