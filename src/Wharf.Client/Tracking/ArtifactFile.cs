namespace Wharf.Client.Tracking;

/// <summary>A file or directory among a run's artifacts (MLflow's <c>FileInfo</c>).</summary>
/// <param name="Path">The path relative to the run's artifact root, with <c>/</c> separators.</param>
/// <param name="IsDir">Whether it is a directory.</param>
/// <param name="FileSize">The size in bytes; null for a directory.</param>
public sealed record ArtifactFile(string Path, bool IsDir = false, long? FileSize = null);
