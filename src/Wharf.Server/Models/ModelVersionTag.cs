namespace Wharf.Server.Models;

/// <summary>A row of <c>models_version_tags</c>.</summary>
internal sealed class ModelVersionTag
{
    public long VersionId { get; init; }

    public required string Key { get; init; }

    public required string Value { get; set; }
}
