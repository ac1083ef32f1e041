using System.Globalization;
using System.Text.Json;

namespace Wharf.Server.Models;

/// <summary>
/// One file of a stored model version, read from a layer of its manifest: the raw file's path, digest and size, and the
/// layer that carries it. A layer written since model files became tar layers says the raw file's digest and size in
/// its annotations (<see cref="ModelStore.FileDigestAnnotation"/>, <see cref="ModelStore.FileSizeAnnotation"/>); in a
/// version registered before, the layer is the raw file itself, so both are the layer's.
/// </summary>
/// <param name="Path">The file's path relative to the version (the title annotation).</param>
/// <param name="Digest">The sha256 digest of the raw file.</param>
/// <param name="Size">The raw file's size in bytes.</param>
/// <param name="LayerMediaType">The layer's media type (a tar, or <c>application/octet-stream</c> for an older version).</param>
/// <param name="LayerDigest">The layer's digest.</param>
/// <param name="LayerSize">The layer's size in bytes.</param>
internal sealed record ModelManifestFile(string Path, string Digest, long Size, string LayerMediaType, string LayerDigest, long LayerSize)
{
    /// <summary>The files of a model manifest this server wrote, at most <paramref name="max"/> of them, in layer order.</summary>
    public static List<ModelManifestFile> Read(byte[] manifest, int max = int.MaxValue)
    {
        using var document = JsonDocument.Parse(manifest);
        var files = new List<ModelManifestFile>();
        if (!document.RootElement.TryGetProperty("layers", out var layers) || layers.ValueKind != JsonValueKind.Array)
        {
            return files;
        }

        foreach (var layer in layers.EnumerateArray().Take(max))
        {
            var annotations = layer.TryGetProperty("annotations", out var a) && a.ValueKind == JsonValueKind.Object ? a : (JsonElement?)null;
            var mediaType = String(layer, "mediaType") ?? ModelStore.FileMediaType;
            var digest = String(layer, "digest") ?? "";
            var size = layer.TryGetProperty("size", out var s) && s.TryGetInt64(out var n) ? n : 0;
            var path = annotations is { } titled ? String(titled, ModelStore.TitleAnnotation) ?? "" : "";
            var fileDigest = annotations is { } d ? String(d, ModelStore.FileDigestAnnotation) : null;
            var fileSize = annotations is { } z && String(z, ModelStore.FileSizeAnnotation) is { } text
                && long.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var parsed) ? parsed : (long?)null;
            files.Add(fileDigest is not null && fileSize is { } raw
                ? new ModelManifestFile(path, fileDigest, raw, mediaType, digest, size)
                : new ModelManifestFile(path, digest, size, mediaType, digest, size));
        }

        return files;
    }

    private static string? String(JsonElement element, string name)
        => element.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.String ? value.GetString() : null;
}
