using System.Formats.Tar;
using System.IO.Compression;
using System.Text;
using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace Wharf.Server.Tests.Registry.Conformance;

/// <summary>
/// One data set of the conformance suite: the blobs, manifests (in push order: children before parents) and tags of an
/// image, index or artifact, all generated in code from deterministic bytes with digests computed here.
/// </summary>
public sealed class TestImage
{
    private static readonly JsonSerializerOptions Json = new() { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    private readonly List<TestBlob> _blobs = [];
    private readonly List<TestManifest> _manifests = [];
    private readonly Dictionary<string, TestManifest> _tags = new(StringComparer.Ordinal);
    private int _generated;

    public TestImage(string kind) => Kind = kind;

    public string Kind { get; }

    public IReadOnlyList<TestBlob> Blobs => _blobs;

    public IReadOnlyList<TestManifest> Manifests => _manifests;

    public IReadOnlyDictionary<string, TestManifest> Tags => _tags;

    /// <summary>The last manifest added: the one the others hang off.</summary>
    public TestManifest Root => _manifests[^1];

    public override string ToString() => Kind;

    public TestBlob AddBlob(TestBlob blob)
    {
        if (!_blobs.Exists(b => b.Digest == blob.Digest))
        {
            _blobs.Add(blob);
        }

        return blob;
    }

    public TestImage Tag(string tag, TestManifest manifest)
    {
        _tags[tag] = manifest;
        return this;
    }

    /// <summary>A tar layer holding one small text file; returns the pushed blob and the uncompressed digest.</summary>
    public (TestBlob Blob, string DiffId) AddLayer(TestImageOptions options)
    {
        var label = NextLabel("layer");
        var text = Encoding.UTF8.GetBytes($"Wharf conformance layer {label}\n{Convert.ToHexString(TestBytes.Create(label, 24))}\n");
        using var tar = new MemoryStream();
        using (var writer = new TarWriter(tar, TarEntryFormat.Ustar, leaveOpen: true))
        {
            // Ustar rather than PAX: PAX entries carry access and change times, which would make the bytes differ per run.
            var entry = new UstarTarEntry(TarEntryType.RegularFile, $"./{label}.txt")
            {
                ModificationTime = DateTimeOffset.UnixEpoch,
                Mode = UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.GroupRead | UnixFileMode.OtherRead,
                DataStream = new MemoryStream(text),
            };
            writer.WriteEntry(entry);
        }

        var uncompressed = tar.ToArray();
        var diffId = OciDigest.Compute(uncompressed, options.Algorithm);
        if (!options.Gzip)
        {
            return (AddBlob(new TestBlob(OciMediaTypes.Layer, uncompressed, options.Algorithm) { EmbedData = options.DataField }), diffId);
        }

        using var gzipped = new MemoryStream();
        using (var gzip = new GZipStream(gzipped, CompressionLevel.Optimal, leaveOpen: true))
        {
            gzip.Write(uncompressed);
        }

        var mediaType = options.Docker ? OciMediaTypes.DockerLayerGzip : OciMediaTypes.LayerGzip;
        return (AddBlob(new TestBlob(mediaType, gzipped.ToArray(), options.Algorithm) { EmbedData = options.DataField }), diffId);
    }

    /// <summary>An image config for the platform in <paramref name="options"/> listing <paramref name="diffIds"/>.</summary>
    public TestBlob AddConfig(IEnumerable<string> diffIds, TestImageOptions options)
    {
        var config = new JsonObject
        {
            ["architecture"] = options.Architecture,
            ["os"] = options.Os,
            ["author"] = "Wharf conformance " + NextLabel("config"),
            ["rootfs"] = new JsonObject { ["type"] = "layers", ["diff_ids"] = new JsonArray([.. diffIds.Select(d => (JsonNode)d)]) },
        };
        AddExtraField(config, options);
        var mediaType = options.Docker ? OciMediaTypes.DockerConfig : OciMediaTypes.ImageConfig;
        return AddBlob(new TestBlob(mediaType, Serialize(config), options.Algorithm) { EmbedData = options.DataField });
    }

    /// <summary>An image manifest over <paramref name="config"/> and <paramref name="layers"/>.</summary>
    public TestManifest AddManifest(JsonObject config, IEnumerable<JsonObject> layers, TestImageOptions options)
    {
        var mediaType = options.Docker ? OciMediaTypes.DockerManifest : OciMediaTypes.ImageManifest;
        var manifest = new JsonObject { ["schemaVersion"] = 2, ["mediaType"] = mediaType };
        if (options.ArtifactType is { } artifactType)
        {
            manifest["artifactType"] = artifactType;
        }

        manifest["config"] = config;
        manifest["layers"] = new JsonArray([.. layers]);
        var configMediaType = config["mediaType"]!.GetValue<string>();
        return AddManifestDocument(manifest, mediaType, options, options.ArtifactType ?? configMediaType);
    }

    /// <summary>A complete image: layers, config and manifest (or an artifact, per <paramref name="options"/>).</summary>
    public TestManifest AddImage(TestImageOptions? options = null)
    {
        options ??= new TestImageOptions();
        var layers = new List<JsonObject>();
        var diffIds = new List<string>();
        for (var i = 0; i < options.LayerCount; i++)
        {
            if (options.LayerMediaType is { } layerMediaType)
            {
                var bytes = options.LayerBytes ?? TestBytes.Create(NextLabel("artifact-layer"), 2048);
                var blob = AddBlob(new TestBlob(layerMediaType, bytes, options.Algorithm) { EmbedData = options.DataField });
                layers.Add(blob.ToDescriptor());
                diffIds.Add(blob.Digest);
            }
            else
            {
                var (blob, diffId) = AddLayer(options);
                layers.Add(blob.ToDescriptor());
                diffIds.Add(diffId);
            }
        }

        var config = options.ConfigMediaType is { } configMediaType
            ? AddBlob(new TestBlob(configMediaType, options.ConfigBytes, options.Algorithm) { EmbedData = options.DataField })
            : AddConfig(diffIds, options);
        return AddManifest(config.ToDescriptor(), layers, options);
    }

    /// <summary>An index (or Docker manifest list) over <paramref name="children"/>, each with an optional platform.</summary>
    public TestManifest AddIndex(IEnumerable<(TestManifest Manifest, (string Os, string Architecture)? Platform)> children, TestImageOptions? options = null)
    {
        options ??= new TestImageOptions();
        var mediaType = options.Docker ? OciMediaTypes.DockerManifestList : OciMediaTypes.ImageIndex;
        var manifests = new JsonArray();
        foreach (var (child, platform) in children)
        {
            var descriptor = child.ToDescriptor();
            if (platform is var (os, architecture))
            {
                descriptor["platform"] = new JsonObject { ["architecture"] = architecture, ["os"] = os };
            }

            manifests.Add(descriptor);
        }

        var index = new JsonObject { ["schemaVersion"] = 2, ["mediaType"] = mediaType };
        if (options.ArtifactType is { } artifactType)
        {
            index["artifactType"] = artifactType;
        }

        index["manifests"] = manifests;
        return AddManifestDocument(index, mediaType, options, options.ArtifactType);
    }

    /// <summary>One image per platform (each shaped by <paramref name="options"/>) and an index over them.</summary>
    public TestManifest AddPlatformIndex(IEnumerable<(string Os, string Architecture)> platforms, TestImageOptions? options = null)
    {
        options ??= new TestImageOptions();
        var children = new List<(TestManifest, (string, string)?)>();
        foreach (var platform in platforms)
        {
            var child = AddImage(options with { Os = platform.Os, Architecture = platform.Architecture, Tag = null, Subject = null, Annotations = null });
            children.Add((child, platform));
        }

        return AddIndex(children, options);
    }

    private TestManifest AddManifestDocument(JsonObject document, string mediaType, TestImageOptions options, string? referrerArtifactType)
    {
        if (options.Subject is { } subject)
        {
            document["subject"] = subject.ToDescriptor();
        }

        if (options.Annotations is { Count: > 0 } annotations)
        {
            var node = new JsonObject();
            foreach (var (key, value) in annotations)
            {
                node[key] = value;
            }

            document["annotations"] = node;
        }

        AddExtraField(document, options);
        var manifest = new TestManifest(mediaType, Serialize(document), options.Algorithm)
        {
            SubjectDigest = options.Subject?.Digest,
            ReferrerArtifactType = referrerArtifactType,
            Annotations = options.Annotations ?? new Dictionary<string, string>(StringComparer.Ordinal),
        };
        _manifests.Add(manifest);
        if (options.Tag is { } tag)
        {
            _tags[tag] = manifest;
        }

        return manifest;
    }

    private void AddExtraField(JsonObject document, TestImageOptions options)
    {
        if (options.ExtraField)
        {
            document["org.example.wharf.unknown-field"] = new JsonObject { ["label"] = NextLabel("extra"), ["keep"] = true };
        }
    }

    private string NextLabel(string what) => $"{Kind}/{what}/{_generated++}";

    private static byte[] Serialize(JsonObject node) => JsonSerializer.SerializeToUtf8Bytes(node, Json);
}
