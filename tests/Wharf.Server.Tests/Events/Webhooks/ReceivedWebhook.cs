namespace Wharf.Server.Tests.Events.Webhooks;

/// <summary>A request a <see cref="WebhookReceiver"/> got.</summary>
internal sealed record ReceivedWebhook(string Method, string Path, IReadOnlyDictionary<string, string> Headers, string Body);
