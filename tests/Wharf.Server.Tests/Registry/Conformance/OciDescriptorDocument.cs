using System.Text.Json.Serialization;

namespace Wharf.Server.Tests.Registry.Conformance;

/// <summary>A descriptor as a registry returns it in a referrers listing.</summary>
public sealed record OciDescriptorDocument(
    [property: JsonPropertyName("mediaType")] string? MediaType,
    [property: JsonPropertyName("digest")] string? Digest,
    [property: JsonPropertyName("size")] long Size,
    [property: JsonPropertyName("artifactType")] string? ArtifactType,
    [property: JsonPropertyName("annotations")] IReadOnlyDictionary<string, string>? Annotations);
