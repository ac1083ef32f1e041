namespace Wharf.Client.Tracking;

/// <summary>A page of <see cref="WharfClient.SearchExperimentsAsync"/>.</summary>
public sealed record ExperimentPage
{
    /// <summary>The experiments on this page.</summary>
    public IReadOnlyList<Experiment> Experiments { get => field ?? []; init; }

    /// <summary>The token for the next page; null on the last page.</summary>
    public string? NextPageToken { get; init; }
}
