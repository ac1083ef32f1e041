using System.Text.Json;
using System.Text.RegularExpressions;

namespace Wharf.Oci;

/// <summary>
/// Parses manifests strictly enough to keep a registry consistent: the body is JSON, its <c>mediaType</c> agrees
/// with the type it was pushed as, every descriptor has a valid media type, digest and size, and the fields the
/// type requires are present. Unknown fields are ignored, as the image specification requires.
/// </summary>
public static partial class ManifestParser
{
    private static readonly JsonDocumentOptions Options = new() { MaxDepth = 32, AllowTrailingCommas = false };

    /// <summary>Parses <paramref name="content"/> pushed with media type <paramref name="declaredMediaType"/>.</summary>
    /// <returns>The manifest, or null with <paramref name="error"/> saying what is wrong.</returns>
    public static Manifest? TryParse(ReadOnlyMemory<byte> content, string? declaredMediaType, out string? error)
    {
        JsonDocument document;
        try
        {
            document = JsonDocument.Parse(content, Options);
        }
        catch (JsonException ex)
        {
            error = $"manifest is not valid JSON: {ex.Message}";
            return null;
        }

        using (document)
        {
            try
            {
                var manifest = Parse(document.RootElement, declaredMediaType);
                error = null;
                return manifest;
            }
            catch (ManifestFormatException ex)
            {
                error = ex.Message;
                return null;
            }
        }
    }

    private static Manifest Parse(JsonElement root, string? declared)
    {
        if (root.ValueKind != JsonValueKind.Object)
        {
            throw new ManifestFormatException("manifest must be a JSON object");
        }

        var bodyType = OptionalString(root, "mediaType");
        var mediaType = ResolveMediaType(declared, bodyType, root);
        if (!root.TryGetProperty("schemaVersion", out var schema) || schema.ValueKind != JsonValueKind.Number
            || !schema.TryGetInt32(out var version) || version != 2)
        {
            throw new ManifestFormatException("schemaVersion must be 2");
        }

        var annotations = OptionalAnnotations(root, "annotations");
        var subject = root.TryGetProperty("subject", out var s) && s.ValueKind != JsonValueKind.Null ? ParseDescriptor(s, "subject") : null;
        var artifactType = OptionalString(root, "artifactType");
        if (artifactType is not null && !IsMediaType(artifactType))
        {
            throw new ManifestFormatException($"artifactType '{artifactType}' is not a valid media type");
        }

        if (MediaTypes.IsIndex(mediaType))
        {
            var manifests = RequiredArray(root, "manifests").Select((m, i) => ParseDescriptor(m, $"manifests[{i}]")).ToArray();
            return new Manifest(mediaType, null, [], manifests, subject, artifactType, annotations);
        }

        if (!root.TryGetProperty("config", out var configElement))
        {
            throw new ManifestFormatException("config is required in an image manifest");
        }

        var config = ParseDescriptor(configElement, "config");
        var layers = RequiredArray(root, "layers").Select((l, i) => ParseDescriptor(l, $"layers[{i}]")).ToArray();
        return new Manifest(mediaType, config, layers, [], subject, artifactType ?? config.MediaType, annotations);
    }

    private static string ResolveMediaType(string? declared, string? bodyType, JsonElement root)
    {
        // The Content-Type header may carry parameters ("; charset=utf-8"); only the type itself counts.
        var header = declared?.Split(';', 2)[0].Trim();
        if (header is { Length: > 0 } && MediaTypes.IsManifest(header))
        {
            if (bodyType is not null && !string.Equals(bodyType, header, StringComparison.Ordinal))
            {
                throw new ManifestFormatException($"mediaType '{bodyType}' in the manifest does not match Content-Type '{header}'");
            }

            return header;
        }

        if (bodyType is not null && MediaTypes.IsManifest(bodyType))
        {
            if (header is { Length: > 0 } && header is not ("application/json" or "application/octet-stream"))
            {
                throw new ManifestFormatException($"Content-Type '{header}' is not a manifest media type");
            }

            return bodyType;
        }

        if (bodyType is not null)
        {
            throw new ManifestFormatException($"mediaType '{bodyType}' is not a supported manifest type");
        }

        if (header is { Length: > 0 } && header is not ("application/json" or "application/octet-stream"))
        {
            throw new ManifestFormatException($"Content-Type '{header}' is not a manifest media type");
        }

        // Neither says: an OCI manifest or index without mediaType is still valid; tell them apart by shape.
        return root.TryGetProperty("manifests", out _) ? MediaTypes.OciIndex : MediaTypes.OciManifest;
    }

    private static Descriptor ParseDescriptor(JsonElement element, string where)
    {
        if (element.ValueKind != JsonValueKind.Object)
        {
            throw new ManifestFormatException($"{where} must be a descriptor object");
        }

        var mediaType = OptionalString(element, "mediaType") ?? throw new ManifestFormatException($"{where}.mediaType is required");
        if (!IsMediaType(mediaType))
        {
            throw new ManifestFormatException($"{where}.mediaType '{mediaType}' is not a valid media type");
        }

        var digestText = OptionalString(element, "digest") ?? throw new ManifestFormatException($"{where}.digest is required");
        if (!Digest.TryParse(digestText, out var digest, out var digestError))
        {
            throw new ManifestFormatException($"{where}.digest: {digestError}");
        }

        if (!element.TryGetProperty("size", out var sizeElement) || sizeElement.ValueKind != JsonValueKind.Number
            || !sizeElement.TryGetInt64(out var size) || size < 0)
        {
            throw new ManifestFormatException($"{where}.size must be a non-negative integer");
        }

        var artifactType = OptionalString(element, "artifactType");
        Platform? platform = null;
        if (element.TryGetProperty("platform", out var p) && p.ValueKind == JsonValueKind.Object)
        {
            platform = new Platform(
                OptionalString(p, "architecture") ?? throw new ManifestFormatException($"{where}.platform.architecture is required"),
                OptionalString(p, "os") ?? throw new ManifestFormatException($"{where}.platform.os is required"),
                OptionalString(p, "variant"));
        }

        List<string>? urls = null;
        if (element.TryGetProperty("urls", out var u) && u.ValueKind != JsonValueKind.Null)
        {
            if (u.ValueKind != JsonValueKind.Array)
            {
                throw new ManifestFormatException($"{where}.urls must be an array of strings");
            }

            urls = [];
            foreach (var url in u.EnumerateArray())
            {
                urls.Add(url.ValueKind == JsonValueKind.String ? url.GetString()! : throw new ManifestFormatException($"{where}.urls must be an array of strings"));
            }
        }

        return new Descriptor(mediaType, digest, size, artifactType, OptionalAnnotations(element, "annotations"), platform, urls);
    }

    private static IEnumerable<JsonElement> RequiredArray(JsonElement root, string name)
    {
        if (!root.TryGetProperty(name, out var array) || array.ValueKind != JsonValueKind.Array)
        {
            throw new ManifestFormatException($"{name} must be an array");
        }

        return array.EnumerateArray();
    }

    private static string? OptionalString(JsonElement element, string name)
    {
        if (!element.TryGetProperty(name, out var value) || value.ValueKind == JsonValueKind.Null)
        {
            return null;
        }

        return value.ValueKind == JsonValueKind.String
            ? value.GetString()
            : throw new ManifestFormatException($"{name} must be a string");
    }

    private static Dictionary<string, string>? OptionalAnnotations(JsonElement element, string name)
    {
        if (!element.TryGetProperty(name, out var value) || value.ValueKind == JsonValueKind.Null)
        {
            return null;
        }

        if (value.ValueKind != JsonValueKind.Object)
        {
            throw new ManifestFormatException($"{name} must be an object of strings");
        }

        var result = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var property in value.EnumerateObject())
        {
            result[property.Name] = property.Value.ValueKind == JsonValueKind.String
                ? property.Value.GetString()!
                : throw new ManifestFormatException($"{name}.{property.Name} must be a string");
        }

        return result;
    }

    /// <summary>RFC 6838 type/subtype with optional parameters, as the image spec requires of media types.</summary>
    public static bool IsMediaType(string value) => value.Length <= 255 && MediaTypePattern().IsMatch(value);

    [GeneratedRegex(@"^[A-Za-z0-9][A-Za-z0-9!#$&^_.+-]{0,126}/[A-Za-z0-9][A-Za-z0-9!#$&^_.+-]{0,126}(\s*;\s*[A-Za-z0-9!#$&^_.+-]+=[^;]+)*$", RegexOptions.CultureInvariant)]
    private static partial Regex MediaTypePattern();

    private sealed class ManifestFormatException(string message) : Exception(message);
}
