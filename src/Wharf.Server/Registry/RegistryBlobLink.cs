namespace Wharf.Server.Registry;

/// <summary>
/// A blob made visible in one repository (pushed into it or mounted). Blobs are shared across repositories in the
/// store, but a repository can only read the blobs linked to it, as the distribution specification requires.
/// </summary>
internal sealed class RegistryBlobLink
{
    public long RepositoryId { get; init; }

    public required string Digest { get; init; }

    public DateTimeOffset CreatedAt { get; set; }
}
