namespace Wharf.Server.Tracking;

/// <summary>A row of <c>tracking_experiment_tags</c>: one key per experiment; setting it again replaces the value.</summary>
internal sealed class ExperimentTag
{
    public long ExperimentId { get; init; }

    public required string Key { get; init; }

    public required string Value { get; set; }
}
