namespace Wharf.Server.Models;

/// <summary>A row of <c>models_registered_tags</c>.</summary>
internal sealed class RegisteredModelTag
{
    public long ModelId { get; init; }

    public required string Key { get; init; }

    public required string Value { get; set; }
}
