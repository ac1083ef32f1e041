using System.Formats.Tar;
using System.Text;
using System.Text.Json.Nodes;
using Wharf.Oci;
using Wharf.Oci.Layout;

namespace Wharf.Serving.Tests.Sources;

/// <summary>
/// Model artifacts as Wharf's registry stores them (artifactType application/vnd.wharf.model.v1, an empty config, one
/// layer per file: an uncompressed tar holding model/&lt;path&gt;, or the raw file in the older format), written by
/// hand so tests can also write hostile ones.
/// </summary>
internal static class ModelArtifacts
{
    public const string ArtifactType = "application/vnd.wharf.model.v1";
    public const string Title = "org.opencontainers.image.title";
    public const string Raw = "application/octet-stream";
    public static readonly byte[] EmptyConfig = "{}"u8.ToArray();

    public sealed record Layer(string MediaType, byte[] Bytes, string? Title)
    {
        public Descriptor Descriptor => new(MediaType, Digest.Sha256(Bytes), Bytes.Length,
            Annotations: Title is null ? null : new Dictionary<string, string> { [ModelArtifacts.Title] = Title });
    }

    /// <summary>The new format: a tar of model/&lt;path&gt; and its parent directories.</summary>
    public static Layer TarLayer(string relativePath, byte[] content)
    {
        var entries = new List<TarEntry>();
        var parts = $"model/{relativePath}".Split('/');
        for (var i = 1; i < parts.Length; i++)
        {
            entries.Add(new PaxTarEntry(TarEntryType.Directory, string.Join('/', parts[..i]) + "/"));
        }

        entries.Add(new PaxTarEntry(TarEntryType.RegularFile, $"model/{relativePath}") { DataStream = new MemoryStream(content) });
        return new Layer(MediaTypes.OciLayerTar, Tar(entries), relativePath);
    }

    public static Layer RawLayer(string title, byte[] content) => new(Raw, content, title);

    /// <summary>A tar layer of whatever entries a test wants, hostile ones included.</summary>
    public static Layer HostileTarLayer(string title, params TarEntry[] entries) => new(MediaTypes.OciLayerTar, Tar(entries), title);

    public static PaxTarEntry TarFile(string name, byte[] content) => new(TarEntryType.RegularFile, name) { DataStream = new MemoryStream(content) };

    public static byte[] Manifest(IEnumerable<Layer> layers)
    {
        var manifest = new JsonObject
        {
            ["schemaVersion"] = 2,
            ["mediaType"] = MediaTypes.OciManifest,
            ["artifactType"] = ArtifactType,
            ["config"] = DescriptorJson(new Descriptor(MediaTypes.OciEmpty, Digest.Sha256(EmptyConfig), EmptyConfig.Length)),
            ["layers"] = new JsonArray(layers.Select(l => (JsonNode)DescriptorJson(l.Descriptor)).ToArray()),
        };
        return Encoding.UTF8.GetBytes(manifest.ToJsonString());
    }

    /// <summary>Writes an OCI layout holding one model manifest named <paramref name="refName"/>; returns the layout directory.</summary>
    public static async Task<string> WriteLayoutAsync(string directory, string refName, params Layer[] layers)
    {
        var layout = await OciImageLayout.CreateAsync(directory);
        await layout.WriteBlobAsync(new MemoryStream(EmptyConfig));
        foreach (var layer in layers)
        {
            await layout.WriteBlobAsync(new MemoryStream(layer.Bytes));
        }

        await layout.WriteManifestAsync(Manifest(layers), MediaTypes.OciManifest, refName);
        return directory;
    }

    /// <summary>Changes one byte of a stored blob (the last, inside the file data of a tar), keeping its size.</summary>
    public static void Corrupt(string layoutDirectory, Layer layer, int offset)
    {
        var path = Path.Combine(layoutDirectory, "blobs", "sha256", layer.Descriptor.Digest.Hex);
        var bytes = System.IO.File.ReadAllBytes(path);
        bytes[offset] ^= 0xff;
        System.IO.File.WriteAllBytes(path, bytes);
    }

    private static byte[] Tar(IEnumerable<TarEntry> entries)
    {
        var buffer = new MemoryStream();
        using (var writer = new TarWriter(buffer, TarEntryFormat.Pax, leaveOpen: true))
        {
            foreach (var entry in entries)
            {
                writer.WriteEntry(entry);
            }
        }

        return buffer.ToArray();
    }

    private static JsonObject DescriptorJson(Descriptor descriptor)
    {
        var json = new JsonObject
        {
            ["mediaType"] = descriptor.MediaType,
            ["digest"] = descriptor.Digest.ToString(),
            ["size"] = descriptor.Size,
        };
        if (descriptor.Annotations is { } annotations)
        {
            json["annotations"] = new JsonObject(annotations.Select(a => KeyValuePair.Create(a.Key, (JsonNode?)a.Value)));
        }

        return json;
    }
}
