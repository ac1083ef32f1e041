namespace Wharf.Server.Events.Webhooks;

/// <summary>What one attempt got: the receiver's status code, or why there was no answer.</summary>
internal sealed record WebhookAttemptResult(int? StatusCode, string? Error, TimeSpan Duration)
{
    public bool Succeeded => StatusCode is >= 200 and < 300;
}
