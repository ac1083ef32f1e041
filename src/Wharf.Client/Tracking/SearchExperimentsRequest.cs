namespace Wharf.Client.Tracking;

internal sealed record SearchExperimentsRequest(int MaxResults, string? PageToken, string? Filter, IReadOnlyList<string>? OrderBy, string ViewType);
