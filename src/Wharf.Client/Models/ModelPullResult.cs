namespace Wharf.Client.Models;

/// <summary>What <see cref="WharfClient.PullModelAsync"/> wrote.</summary>
/// <param name="Reference">The reference pulled, <c>&lt;project&gt;/models/&lt;name&gt;:&lt;tag&gt;</c>.</param>
/// <param name="Digest">The manifest's digest.</param>
/// <param name="Directory">The full path of the directory the files went into.</param>
/// <param name="Files">The files, each verified against its digest.</param>
public sealed record ModelPullResult(string Reference, string Digest, string Directory, IReadOnlyList<ModelFileInfo> Files);
