namespace Wharf.Client.Tracking;

/// <summary>runs/delete and runs/restore: the run's id.</summary>
internal sealed record RunIdRequest(string RunId);
