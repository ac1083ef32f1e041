namespace Wharf.Client.Registry;

/// <summary>A tag and the manifest it points at.</summary>
/// <param name="Name">The tag.</param>
/// <param name="Digest">The manifest's digest.</param>
/// <param name="MediaType">The manifest's media type.</param>
/// <param name="ArtifactType">The manifest's artifact type, if any.</param>
/// <param name="Size">The manifest's size in bytes.</param>
/// <param name="UpdatedAt">When the tag last moved.</param>
public sealed record TagSummary(string Name, string Digest, string MediaType, string? ArtifactType, long Size, DateTimeOffset UpdatedAt);
