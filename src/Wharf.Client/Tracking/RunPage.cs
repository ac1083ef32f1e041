namespace Wharf.Client.Tracking;

/// <summary>A page of <see cref="WharfClient.SearchRunsAsync"/>.</summary>
public sealed record RunPage
{
    /// <summary>The runs on this page.</summary>
    public IReadOnlyList<Run> Runs { get => field ?? []; init; }

    /// <summary>The token for the next page; null on the last page.</summary>
    public string? NextPageToken { get; init; }
}
