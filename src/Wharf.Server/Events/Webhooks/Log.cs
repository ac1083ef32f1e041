namespace Wharf.Server.Events.Webhooks;

/// <summary>Webhook log messages; event ids 1380-1399 (inside the Events range).</summary>
internal static partial class Log
{
    [LoggerMessage(1380, LogLevel.Debug, "Event {EventId} ({EventType}) names no project; no webhook receives it")]
    public static partial void EventWithoutProject(ILogger logger, long eventId, string eventType);

    [LoggerMessage(1381, LogLevel.Debug, "Queued {Count} webhook delivery(ies) for event {EventId} ({EventType})")]
    public static partial void DeliveriesQueued(ILogger logger, long eventId, string eventType, int count);

    [LoggerMessage(1382, LogLevel.Debug, "Webhook {WebhookId} delivery {DeliveryId} attempt {Attempt} succeeded with {StatusCode}")]
    public static partial void Delivered(ILogger logger, long webhookId, Guid deliveryId, int attempt, int? statusCode);

    [LoggerMessage(1383, LogLevel.Warning,
        "Webhook {WebhookId} delivery {DeliveryId} attempt {Attempt} failed: {Error}; retrying at {NextAttemptAt}")]
    public static partial void Retrying(ILogger logger, long webhookId, Guid deliveryId, int attempt, string? error, DateTimeOffset nextAttemptAt);

    [LoggerMessage(1384, LogLevel.Warning, "Webhook {WebhookId} delivery {DeliveryId} failed for good after {Attempt} attempt(s): {Error}")]
    public static partial void GaveUp(ILogger logger, long webhookId, Guid deliveryId, int attempt, string? error);

    [LoggerMessage(1385, LogLevel.Error, "Webhook sender pass failed; retrying after the poll interval")]
    public static partial void PassFailed(ILogger logger, Exception exception);

    [LoggerMessage(1386, LogLevel.Error, "Webhook delivery {DeliveryId} could not be sent or recorded")]
    public static partial void SendFailed(ILogger logger, Guid deliveryId, Exception exception);
}
