using Wharf.Client.Webhooks;

namespace Wharf.Server.Events.Webhooks;

/// <summary>Rows to wire contracts.</summary>
internal static class WebhookViews
{
    public static WebhookInfo ToInfo(Webhook webhook, string project) => new(
        webhook.Id, project, webhook.Url, WebhookEventFilter.Parse(webhook.Events), webhook.Active, webhook.Description,
        webhook.CreatedBy, webhook.CreatedAt, webhook.UpdatedAt);

    public static WebhookDeliveryInfo ToInfo(WebhookDelivery delivery) => new(
        delivery.Id, delivery.DeliveryId, delivery.EventId, delivery.EventType, StateName(delivery.State), delivery.Attempts,
        delivery.LastStatusCode, delivery.LastError, delivery.LastDurationMs, delivery.BodySha256, delivery.CreatedAt,
        delivery.State == WebhookDeliveryState.Pending ? delivery.NextAttemptAt : null, delivery.CompletedAt,
        [.. delivery.AttemptLog.OrderBy(a => a.Attempt)
            .Select(a => new WebhookDeliveryAttemptInfo(a.Attempt, a.StartedAt, a.DurationMs, a.StatusCode, a.Error))]);

    private static string StateName(WebhookDeliveryState state) => state switch
    {
        WebhookDeliveryState.Pending => "pending",
        WebhookDeliveryState.Delivered => "delivered",
        _ => "failed",
    };
}
