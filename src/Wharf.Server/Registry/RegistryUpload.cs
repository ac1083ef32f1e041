namespace Wharf.Server.Registry;

/// <summary>
/// An upload session. The bytes received so far are staged in the blob store under <see cref="Id"/>; the row only
/// says which repository the session belongs to and when it was last touched, so abandoned sessions expire.
/// </summary>
internal sealed class RegistryUpload
{
    public Guid Id { get; init; }

    public long RepositoryId { get; init; }

    public DateTimeOffset StartedAt { get; init; }

    public DateTimeOffset UpdatedAt { get; set; }
}
