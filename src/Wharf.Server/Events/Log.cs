namespace Wharf.Server.Events;

/// <summary>Events log messages; event ids 1300-1399.</summary>
internal static partial class Log
{
    [LoggerMessage(1300, LogLevel.Information, "Event dispatcher started with {SubscriberCount} subscriber(s)")]
    public static partial void DispatcherStarted(ILogger logger, int subscriberCount);

    [LoggerMessage(1301, LogLevel.Warning,
        "Subscriber {Subscriber} failed on event {EventId} ({EventType}), attempt {Attempt}; retrying at {NextAttemptAt}")]
    public static partial void DeliveryFailed(
        ILogger logger, string subscriber, long eventId, string eventType, int attempt, DateTimeOffset nextAttemptAt,
        Exception exception);

    [LoggerMessage(1302, LogLevel.Error, "Event dispatch pass failed; retrying after the poll interval")]
    public static partial void PassFailed(ILogger logger, Exception exception);

    [LoggerMessage(1303, LogLevel.Debug, "Fanned out {Count} event(s) into {Deliveries} delivery(ies)")]
    public static partial void FannedOut(ILogger logger, int count, int deliveries);

    [LoggerMessage(1304, LogLevel.Debug, "Delivered event {EventId} ({EventType}) to {Subscriber}")]
    public static partial void Delivered(ILogger logger, long eventId, string eventType, string subscriber);

    [LoggerMessage(1305, LogLevel.Information, "Deleted {Count} delivered event(s) older than the retention")]
    public static partial void CleanedUp(ILogger logger, int count);
}
