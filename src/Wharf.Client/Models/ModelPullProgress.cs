namespace Wharf.Client.Models;

/// <summary>How far <see cref="WharfClient.PullModelAsync"/> got: reported as bytes arrive.</summary>
/// <param name="Path">The file being downloaded.</param>
/// <param name="Bytes">Layer bytes received so far, over every file.</param>
/// <param name="TotalBytes">Bytes of every layer together, from the manifest (a tar layer is its file plus headers).</param>
public sealed record ModelPullProgress(string Path, long Bytes, long TotalBytes);
