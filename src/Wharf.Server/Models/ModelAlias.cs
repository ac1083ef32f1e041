namespace Wharf.Server.Models;

/// <summary>
/// A row of <c>models_aliases</c>: a name of one version of a model, unique per model. The registry tag of the same
/// name in the model's repository is moved in the same transaction as this row, so the two always agree.
/// </summary>
internal sealed class ModelAlias
{
    public const int MaxLength = 128;

    public long ModelId { get; init; }

    public required string Alias { get; init; }

    public int Version { get; set; }
}
