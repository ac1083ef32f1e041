namespace Wharf.Server.Events.Webhooks;

/// <summary>Where a delivery stands; stored as its name.</summary>
internal enum WebhookDeliveryState
{
    /// <summary>Owed: waiting for its first attempt or for a retry at <see cref="WebhookDelivery.NextAttemptAt"/>.</summary>
    Pending,

    /// <summary>The receiver answered 2xx.</summary>
    Delivered,

    /// <summary>Every allowed attempt failed, or the webhook was switched off or its secret became unreadable.</summary>
    Failed,
}
