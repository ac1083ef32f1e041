namespace Wharf.Interop.Tests.Models;

/// <summary>One request the loopback webhook receiver got: its headers (case-insensitive) and body as sent.</summary>
internal sealed record ReceivedWebhook(IReadOnlyDictionary<string, string> Headers, string Body);
