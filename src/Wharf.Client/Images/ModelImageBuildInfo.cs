namespace Wharf.Client.Images;

/// <summary>The image build of one model version.</summary>
/// <param name="Status">One of <see cref="ModelImageBuildStatuses"/>.</param>
/// <param name="Reference">The image reference, <c>&lt;registry host&gt;/&lt;project&gt;/images/&lt;model&gt;:v&lt;N&gt;</c>.</param>
/// <param name="Digest">The image manifest's digest once built; null before.</param>
/// <param name="Log">The build log (bounded); a failed build says why here.</param>
/// <param name="Attempts">How many times a builder took the build up.</param>
/// <param name="UpdatedAt">When the build last changed state.</param>
public sealed record ModelImageBuildInfo(string Status, string Reference, string? Digest, string Log, int Attempts, DateTimeOffset UpdatedAt);
