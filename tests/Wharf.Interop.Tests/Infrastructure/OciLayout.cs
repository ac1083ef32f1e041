using System.Security.Cryptography;
using System.Text.Json;

namespace Wharf.Interop.Tests.Infrastructure;

/// <summary>
/// Reads an OCI image layout on disk (index.json + blobs/sha256/...). Written here with plain JSON and
/// SHA-256 rather than with Wharf.Oci, so that the tests check registries against an independent reading.
/// </summary>
internal sealed class OciLayout(string path)
{
    private const string RefName = "org.opencontainers.image.ref.name";

    public string Path { get; } = path;

    /// <summary>The descriptor index.json holds for <paramref name="tag"/>.</summary>
    public OciDescriptor Resolve(string tag)
    {
        using var index = JsonDocument.Parse(File.ReadAllBytes(System.IO.Path.Combine(Path, "index.json")));
        foreach (var entry in index.RootElement.GetProperty("manifests").EnumerateArray())
        {
            if (entry.TryGetProperty("annotations", out var annotations)
                && annotations.TryGetProperty(RefName, out var name)
                && name.GetString() == tag)
            {
                return Descriptor(entry);
            }
        }

        throw new InvalidOperationException($"tag '{tag}' is not in {Path}/index.json");
    }

    public string BlobPath(string digest)
    {
        const string prefix = "sha256:";
        if (!digest.StartsWith(prefix, StringComparison.Ordinal))
        {
            throw new ArgumentException($"not a sha256 digest: {digest}", nameof(digest));
        }

        return System.IO.Path.Combine(Path, "blobs", "sha256", digest[prefix.Length..]);
    }

    public byte[] ReadBlob(string digest) => File.ReadAllBytes(BlobPath(digest));

    /// <summary>The config and layer descriptors of an image manifest stored in this layout.</summary>
    public IReadOnlyList<OciDescriptor> ImageBlobs(string manifestDigest)
    {
        using var manifest = JsonDocument.Parse(ReadBlob(manifestDigest));
        var root = manifest.RootElement;
        return [Descriptor(root.GetProperty("config")), .. root.GetProperty("layers").EnumerateArray().Select(Descriptor)];
    }

    /// <summary>The manifest descriptors of an image index stored in this layout.</summary>
    public IReadOnlyList<OciDescriptor> IndexManifests(string indexDigest)
    {
        using var index = JsonDocument.Parse(ReadBlob(indexDigest));
        return [.. index.RootElement.GetProperty("manifests").EnumerateArray().Select(Descriptor)];
    }

    /// <summary><c>sha256:&lt;hex&gt;</c> of a file, streamed.</summary>
    public static string DigestOfFile(string file)
    {
        using var stream = File.OpenRead(file);
        return $"sha256:{Convert.ToHexStringLower(SHA256.HashData(stream))}";
    }

    public static string DigestOf(byte[] content) => $"sha256:{Convert.ToHexStringLower(SHA256.HashData(content))}";

    private static OciDescriptor Descriptor(JsonElement element) => new(
        element.GetProperty("mediaType").GetString() ?? string.Empty,
        element.GetProperty("digest").GetString() ?? string.Empty,
        element.GetProperty("size").GetInt64());
}
