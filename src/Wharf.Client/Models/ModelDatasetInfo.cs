namespace Wharf.Client.Models;

/// <summary>A dataset the source run logged as an input.</summary>
/// <param name="Name">The dataset's name.</param>
/// <param name="Digest">Its digest as the run logged it.</param>
/// <param name="SourceType">Where it came from (<c>local</c>, <c>s3</c>, ...).</param>
/// <param name="Source">The source description as logged.</param>
public sealed record ModelDatasetInfo(string Name, string Digest, string SourceType, string Source);
