namespace Wharf.Server.Registry;

/// <summary>A tag: a name in a repository pointing at one manifest. Moving a tag is one row update.</summary>
internal sealed class RegistryTag
{
    public long RepositoryId { get; init; }

    public required string Name { get; init; }

    public long ManifestId { get; set; }

    public DateTimeOffset UpdatedAt { get; set; }
}
