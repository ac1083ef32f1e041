namespace Wharf.Server.Tracking;

/// <summary>
/// A row of <c>tracking_dataset_inputs</c>: a dataset (MLflow's Dataset message) used by a run. Logging the same
/// dataset (name and digest) to a run again keeps one row and updates its input tags, as MLflow does.
/// </summary>
internal sealed class RunDatasetInput
{
    public const int MaxNameLength = 500;
    public const int MaxDigestLength = 36;
    public const int MaxSourceTypeLength = 36;
    public const int MaxSourceLength = 65535;
    public const int MaxSchemaLength = 1_048_575;
    public const int MaxProfileLength = 16_777_215;

    public long Id { get; set; }

    public required string RunUuid { get; init; }

    public required string Name { get; init; }

    public required string Digest { get; init; }

    public required string SourceType { get; set; }

    public required string Source { get; set; }

    public string? Schema { get; set; }

    public string? Profile { get; set; }
}
