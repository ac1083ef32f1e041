using System.Text.Json.Nodes;

namespace Wharf.Server.Tests.Registry.Conformance;

/// <summary>
/// The data kinds of the upstream conformance suite (and Docker schema 2), each a <see cref="TestImage"/> built in code.
/// Kinds are names so that they show up in test names and can be passed as theory data.
/// </summary>
public static class TestImages
{
    private static readonly (string Os, string Architecture)[] TwoPlatforms = [("linux", "amd64"), ("linux", "arm64")];

    /// <summary>Kinds every registry must round-trip (push, list, head, pull, delete).</summary>
    public static TheoryData<string> CommonKinds =>
    [
        "image", "image-uncompressed", "large-manifest", "index", "nested-index", "empty-index", "no-layers",
        "artifact", "artifact-index", "artifact-without-layers", "artifacts-with-subject", "index-with-subject",
        "missing-subject", "data-field", "custom-fields", "non-distributable-layers", "docker-schema2",
        "docker-manifest-list",
    ];

    /// <summary>Kinds only an OCI 1.1 registry round-trips.</summary>
    public static TheoryData<string> Oci11Kinds => ["sha512-index", "sha512-image"];

    public static TestImage Create(string kind)
    {
        var image = new TestImage(kind);
        switch (kind)
        {
            case "image":
                image.AddImage(new TestImageOptions { Tag = "image" });
                break;
            case "image-uncompressed":
                image.AddImage(new TestImageOptions { Tag = "image-uncompressed", Gzip = false });
                break;
            case "large-manifest":
                // Just under 4 MiB: the spec says registries should expect manifests of at least 4 megabytes.
                var large = Enumerable.Range(0, 390).ToDictionary(i => $"org.example.large-{i}", _ => new string('A', 10_000), StringComparer.Ordinal);
                image.AddImage(new TestImageOptions { Tag = "large-manifest", Annotations = large });
                break;
            case "index":
                image.AddPlatformIndex(TwoPlatforms, new TestImageOptions { Tag = "index" });
                break;
            case "nested-index":
                var first = image.AddPlatformIndex(TwoPlatforms);
                var second = image.AddPlatformIndex(TwoPlatforms);
                image.AddIndex([(first, null), (second, null)], new TestImageOptions { Tag = "index-of-index" });
                break;
            case "empty-index":
                image.AddIndex([], new TestImageOptions { Tag = "empty-index" });
                break;
            case "no-layers":
                image.AddImage(new TestImageOptions { Tag = "no-layers", LayerCount = 0 });
                break;
            case "artifact":
                image.AddImage(Artifact(OciMediaTypes.ExampleArtifactA) with { Tag = "artifact" });
                break;
            case "artifact-index":
                image.AddPlatformIndex(TwoPlatforms, Artifact(OciMediaTypes.ExampleArtifactA) with { Tag = "artifact-index" });
                break;
            case "artifact-without-layers":
                image.AddImage(Artifact(OciMediaTypes.ExampleArtifactA) with
                {
                    Tag = "artifact-without-layers",
                    LayerMediaType = OciMediaTypes.EmptyJson,
                    LayerBytes = "{}"u8.ToArray(),
                });
                break;
            case "artifacts-with-subject":
                var subject = image.AddImage(new TestImageOptions { Tag = "image" });
                image.AddImage(new TestImageOptions { Subject = subject });
                image.AddImage(Artifact(OciMediaTypes.ExampleArtifactA) with { Subject = subject, Tag = "tagged-artifact1", Annotations = Note("first") });
                image.AddImage(Artifact(OciMediaTypes.ExampleArtifactB) with
                {
                    Subject = subject,
                    Tag = "tagged-artifact2",
                    LayerMediaType = OciMediaTypes.OctetStream,
                    Annotations = Note("second"),
                });
                break;
            case "index-with-subject":
                var subjectIndex = image.AddPlatformIndex(TwoPlatforms, new TestImageOptions { Tag = "index" });
                image.AddPlatformIndex(TwoPlatforms, Artifact(OciMediaTypes.ExampleArtifactA) with
                {
                    Subject = subjectIndex,
                    Tag = "tagged-artifact",
                    Annotations = Note("index referrer"),
                });
                break;
            case "missing-subject":
                var absent = new TestManifest(OciMediaTypes.ImageManifest, TestBytes.Create("missing-subject/absent", 123));
                image.AddImage(Artifact(OciMediaTypes.ExampleArtifactA) with { Subject = absent, Tag = "tagged-artifact", Annotations = Note("orphan") });
                break;
            case "data-field":
                image.AddImage(new TestImageOptions { Tag = "data-field", DataField = true });
                break;
            case "custom-fields":
                image.AddPlatformIndex(TwoPlatforms, new TestImageOptions { Tag = "custom-fields", ExtraField = true });
                break;
            case "non-distributable-layers":
                AddNondistributableImage(image);
                break;
            case "docker-schema2":
                image.AddImage(new TestImageOptions { Tag = "docker-schema2", Docker = true });
                break;
            case "docker-manifest-list":
                image.AddPlatformIndex(TwoPlatforms, new TestImageOptions { Tag = "docker-manifest-list", Docker = true });
                break;
            case "sha512-index":
                // Non-canonical digests: pushed by digest only, as the upstream suite does without the tag parameter.
                image.AddPlatformIndex(TwoPlatforms, new TestImageOptions { Algorithm = OciDigest.Sha512 });
                break;
            case "sha512-image":
                image.AddImage(new TestImageOptions { Algorithm = OciDigest.Sha512 });
                break;
            default:
                throw new ArgumentOutOfRangeException(nameof(kind), kind, "unknown test data kind");
        }

        return image;
    }

    /// <summary>An artifact: empty JSON config, one layer of the artifact type, <c>artifactType</c> set.</summary>
    public static TestImageOptions Artifact(string artifactType) => new()
    {
        ArtifactType = artifactType,
        ConfigMediaType = OciMediaTypes.EmptyJson,
        ConfigBytes = "{}"u8.ToArray(),
        LayerCount = 1,
        LayerMediaType = artifactType,
    };

    public static IReadOnlyDictionary<string, string> Note(string value) =>
        new Dictionary<string, string>(StringComparer.Ordinal) { ["org.example.wharf.conformance"] = value };

    private static void AddNondistributableImage(TestImage image)
    {
        // Two layers live elsewhere (urls) and are never pushed; the third is an ordinary pushed layer.
        var options = new TestImageOptions();
        var foreignGzip = new JsonObject
        {
            ["mediaType"] = OciMediaTypes.LayerNondistributableGzip,
            ["digest"] = OciDigest.Compute(TestBytes.Create("foreign/gzip", 256)),
            ["size"] = 123456,
            ["urls"] = new JsonArray("https://store.example.com/blobs/foreign-gzip"),
        };
        var foreignTar = new JsonObject
        {
            ["mediaType"] = OciMediaTypes.LayerNondistributable,
            ["digest"] = OciDigest.Compute(TestBytes.Create("foreign/tar", 256)),
            ["size"] = 12345,
            ["urls"] = new JsonArray("https://store.example.com/blobs/foreign-tar"),
        };
        var (layer, diffId) = image.AddLayer(options);
        var config = image.AddConfig(
            [OciDigest.Compute(TestBytes.Create("foreign/gzip/uncompressed", 256)), foreignTar["digest"]!.GetValue<string>(), diffId],
            options);
        image.AddManifest(config.ToDescriptor(), [foreignGzip, foreignTar, layer.ToDescriptor()], options with { Tag = "non-distributable-image" });
    }
}
