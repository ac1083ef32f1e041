namespace Wharf.Server.Events.Webhooks;

/// <summary>The outbound client refused a destination (a loopback, private, link-local or metadata address, or a bad redirect).</summary>
internal sealed class WebhookAddressRefusedException(string message) : Exception(message);
