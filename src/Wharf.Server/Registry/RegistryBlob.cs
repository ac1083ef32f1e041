namespace Wharf.Server.Registry;

/// <summary>
/// A blob the registry has in the blob store. The row is written only after the bytes are durable, and deleted by
/// garbage collection only after the bytes are no longer reachable, so a row always means "the bytes exist".
/// </summary>
internal sealed class RegistryBlob
{
    public required string Digest { get; init; }

    public long Size { get; init; }

    public DateTimeOffset CreatedAt { get; init; }
}
