using System.Text.Json;
using System.Text.Json.Serialization;

namespace Wharf.Client.Webhooks;

/// <summary>Source-generated JSON metadata for the webhook contracts; camelCase like the rest of <c>/api/v1</c>.</summary>
[JsonSourceGenerationOptions(JsonSerializerDefaults.Web, WriteIndented = false)]
[JsonSerializable(typeof(WebhookInfo))]
[JsonSerializable(typeof(IReadOnlyList<WebhookInfo>))]
[JsonSerializable(typeof(CreatedWebhookInfo))]
[JsonSerializable(typeof(CreateWebhookRequest))]
[JsonSerializable(typeof(UpdateWebhookRequest))]
[JsonSerializable(typeof(WebhookDeliveryInfo))]
[JsonSerializable(typeof(WebhookDeliveryPage))]
public sealed partial class WebhooksJsonContext : JsonSerializerContext;
