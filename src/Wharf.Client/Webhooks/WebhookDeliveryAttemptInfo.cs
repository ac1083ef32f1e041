namespace Wharf.Client.Webhooks;

/// <summary>One attempt of a delivery.</summary>
/// <param name="Attempt">1 for the first attempt.</param>
/// <param name="StartedAt">When it started.</param>
/// <param name="DurationMs">How long it took, redirects included.</param>
/// <param name="StatusCode">The receiver's status code; null when there was no answer.</param>
/// <param name="Error">Why it failed; null on success.</param>
public sealed record WebhookDeliveryAttemptInfo(int Attempt, DateTimeOffset StartedAt, long DurationMs, int? StatusCode, string? Error);
