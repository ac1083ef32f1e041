namespace Wharf.Client.Tracking;

internal sealed record UpdateRunResponse(RunInfo RunInfo);
