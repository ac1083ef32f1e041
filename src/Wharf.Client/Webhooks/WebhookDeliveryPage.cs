namespace Wharf.Client.Webhooks;

/// <summary>A page of a webhook's deliveries, newest first.</summary>
/// <param name="Deliveries">The deliveries.</param>
/// <param name="NextBefore">Pass as <c>before</c> for the next (older) page; null on the last page.</param>
public sealed record WebhookDeliveryPage(IReadOnlyList<WebhookDeliveryInfo> Deliveries, long? NextBefore);
