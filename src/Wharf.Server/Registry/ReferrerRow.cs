namespace Wharf.Server.Registry;

/// <summary>What the referrers API lists of one referring manifest.</summary>
internal sealed record ReferrerRow(string Digest, string MediaType, string? ArtifactType, long Size, string? AnnotationsJson);
