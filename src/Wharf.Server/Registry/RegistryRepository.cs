namespace Wharf.Server.Registry;

/// <summary>A repository, <c>&lt;project&gt;/&lt;name&gt;</c>; created by the first push into it.</summary>
internal sealed class RegistryRepository
{
    public long Id { get; set; }

    public required string Name { get; init; }

    /// <summary>The first name component; authorization resolves the project from this stored value.</summary>
    public required string Project { get; init; }

    public DateTimeOffset CreatedAt { get; init; }
}
