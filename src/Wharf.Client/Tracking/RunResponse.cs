namespace Wharf.Client.Tracking;

internal sealed record RunResponse(Run Run);
