namespace Wharf.Client.Tracking;

internal sealed record SearchRunsRequest(
    IReadOnlyList<string> ExperimentIds, string? Filter, IReadOnlyList<string>? OrderBy, int MaxResults, string? PageToken, string RunViewType);
