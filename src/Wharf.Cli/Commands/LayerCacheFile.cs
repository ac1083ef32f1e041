using System.Text.Json;
using System.Text.Json.Nodes;
using Wharf.Oci;
using Wharf.Oci.Building;

namespace Wharf.Cli.Commands;

/// <summary>
/// Keeps a <see cref="LayerCache"/> between <c>wharf build</c> runs in <c>$XDG_CACHE_HOME/wharf/layers.json</c> (default
/// <c>~/.cache/wharf</c>), so an unchanged serving runtime is not tarred and hashed again by the next process. The
/// cache only says what a layer's digest would be; the builder still asks the target whether it has the blob, so a
/// stale or forged entry costs a rebuild, never a wrong image. A file that cannot be read is ignored.
/// </summary>
internal static class LayerCacheFile
{
    private const int MaxEntries = 64;

    public static string DefaultPath()
    {
        var home = Environment.GetEnvironmentVariable("XDG_CACHE_HOME") is { Length: > 0 } xdg
            ? xdg
            : Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), ".cache");
        return Path.Combine(home, "wharf", "layers.json");
    }

    public static async Task<LayerCache> LoadAsync(string path, CancellationToken cancellationToken)
    {
        var cache = new LayerCache();
        try
        {
            if (!File.Exists(path) || new FileInfo(path).Length > 1024 * 1024)
            {
                return cache;
            }

            var root = JsonNode.Parse(await File.ReadAllTextAsync(path, cancellationToken)) as JsonObject;
            foreach (var (key, value) in root ?? [])
            {
                if (value is JsonObject o
                    && Digest.TryParse(o["digest"]?.GetValue<string>(), out var digest)
                    && Digest.TryParse(o["diffId"]?.GetValue<string>(), out var diffId)
                    && o["mediaType"]?.GetValue<string>() is { } mediaType
                    && o["size"]?.GetValue<long>() is { } size
                    && o["uncompressedSize"]?.GetValue<long>() is { } uncompressed)
                {
                    cache.Set(key, new LayerWriteResult(new Descriptor(mediaType, digest, size), diffId, uncompressed));
                }
            }
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException or JsonException or InvalidOperationException or FormatException)
        {
            // A cache, not a source of truth: start empty.
        }

        return cache;
    }

    /// <summary>Remembers <paramref name="keys"/>' results (the layers this build made), keeping the newest entries.</summary>
    public static async Task SaveAsync(string path, LayerCache cache, IEnumerable<string> keys, CancellationToken cancellationToken)
    {
        try
        {
            JsonObject root;
            try
            {
                root = File.Exists(path) ? JsonNode.Parse(await File.ReadAllTextAsync(path, cancellationToken)) as JsonObject ?? [] : [];
            }
            catch (JsonException)
            {
                root = [];
            }

            foreach (var key in keys)
            {
                if (cache.TryGet(key, out var result))
                {
                    root.Remove(key);
                    root[key] = new JsonObject
                    {
                        ["mediaType"] = result.Descriptor.MediaType,
                        ["digest"] = result.Descriptor.Digest.ToString(),
                        ["size"] = result.Descriptor.Size,
                        ["diffId"] = result.DiffId.ToString(),
                        ["uncompressedSize"] = result.UncompressedSize,
                    };
                }
            }

            while (root.Count > MaxEntries)
            {
                root.Remove(root.First().Key);
            }

            Directory.CreateDirectory(Path.GetDirectoryName(path)!);
            var temp = $"{path}.{Guid.NewGuid():N}.tmp";
            await File.WriteAllTextAsync(temp, root.ToJsonString(), cancellationToken);
            File.Move(temp, path, overwrite: true);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            // Not being able to remember only costs the next build a re-tar.
        }
    }
}
