namespace Wharf.Client.Tracking;

internal sealed record UpdateRunRequest(string RunId, string? Status, long? EndTime, string? RunName);
