namespace Wharf.Server.Tracking;

/// <summary>
/// A row of <c>tracking_artifacts</c>: one file of a run's artifact tree, by its path relative to the run's artifact
/// root, pointing at content-addressed bytes in the blob store. Directories are not stored: they are the path
/// prefixes of files. A row exists only once its blob is complete, so listings never show a partial file; the digest
/// is kept as the blob store names it, so the model registry can reuse the bytes as OCI layers without copying.
/// </summary>
internal sealed class RunArtifact
{
    /// <summary>Longest relative path, in characters (MLflow's clients stay well under it).</summary>
    public const int MaxPathLength = 1024;

    public required string RunUuid { get; init; }

    public required string Path { get; init; }

    /// <summary>The blob's digest, <c>sha256:&lt;hex&gt;</c>.</summary>
    public required string Digest { get; set; }

    public long Size { get; set; }

    /// <summary>When this version of the file was recorded (epoch ms).</summary>
    public long CreatedTime { get; set; }
}
