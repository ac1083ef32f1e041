namespace Wharf.Server.Registry;

/// <summary>
/// A manifest or index in one repository. Its bytes are kept here, exactly as pushed (the digest is of these bytes),
/// together with the facts the API and garbage collection query: media type, artifact type, subject.
/// </summary>
internal sealed class RegistryManifest
{
    /// <summary>Manifests larger than this are refused with 413, as distribution does.</summary>
    public const int MaxSize = 4 * 1024 * 1024;

    public long Id { get; set; }

    public long RepositoryId { get; init; }

    public required string Digest { get; init; }

    public required string MediaType { get; init; }

    public string? ArtifactType { get; init; }

    /// <summary>Digest of the manifest this one refers to (the referrers API), if any.</summary>
    public string? SubjectDigest { get; init; }

    /// <summary>The manifest's annotations as JSON, returned in referrers descriptors.</summary>
    public string? AnnotationsJson { get; init; }

    public long Size { get; init; }

    public required byte[] Content { get; init; }

    public DateTimeOffset CreatedAt { get; init; }
}
