using System.Text.Json.Nodes;

namespace Wharf.Server.Tests.Registry.Conformance;

/// <summary>
/// A manifest (image manifest, index, Docker manifest or list) as the exact bytes the test pushes, plus what a
/// referrers listing must say about it when it has a subject.
/// </summary>
public sealed class TestManifest
{
    public TestManifest(string mediaType, byte[] content, string algorithm = OciDigest.Sha256)
    {
        MediaType = mediaType;
        Content = content;
        Digest = OciDigest.Compute(content, algorithm);
    }

    public string MediaType { get; }

    public byte[] Content { get; }

    public string Digest { get; }

    public long Size => Content.LongLength;

    /// <summary>The digest in the manifest's <c>subject</c> field, if any.</summary>
    public string? SubjectDigest { get; init; }

    /// <summary>
    /// The artifact type a referrers listing must report: the manifest's <c>artifactType</c>, else (image manifests
    /// only) its config media type; null for an index without one.
    /// </summary>
    public string? ReferrerArtifactType { get; init; }

    public IReadOnlyDictionary<string, string> Annotations { get; init; } = new Dictionary<string, string>(StringComparer.Ordinal);

    public JsonObject ToDescriptor() => new() { ["mediaType"] = MediaType, ["digest"] = Digest, ["size"] = Size };
}
