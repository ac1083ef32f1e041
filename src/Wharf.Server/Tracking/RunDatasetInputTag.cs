namespace Wharf.Server.Tracking;

/// <summary>A row of <c>tracking_dataset_input_tags</c>: a tag of a run's dataset input, such as <c>mlflow.data.context</c>.</summary>
internal sealed class RunDatasetInputTag
{
    public const int MaxKeyLength = 255;
    public const int MaxValueLength = 500;

    public long InputId { get; init; }

    public required string Key { get; init; }

    public required string Value { get; set; }
}
