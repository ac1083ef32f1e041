namespace Wharf.Client.Models;

/// <summary>How far <see cref="WharfClient.PullModelAsync"/> got: reported as bytes arrive.</summary>
/// <param name="Path">The file being downloaded.</param>
/// <param name="Bytes">Bytes received so far, over every file.</param>
/// <param name="TotalBytes">Bytes of every file together, from the manifest.</param>
public sealed record ModelPullProgress(string Path, long Bytes, long TotalBytes);
