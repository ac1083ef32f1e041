namespace Wharf.Client.Webhooks;

/// <summary>A new webhook. <see cref="Secret"/> is in this answer only: store it now to verify signatures.</summary>
/// <param name="Webhook">The webhook.</param>
/// <param name="Secret">The signing secret: <c>X-Wharf-Signature</c> is <c>sha256=</c> + hex HMAC-SHA256 of <c>"&lt;X-Wharf-Timestamp&gt;.&lt;body&gt;"</c> keyed with its UTF-8 bytes.</param>
public sealed record CreatedWebhookInfo(WebhookInfo Webhook, string Secret);
