using System.Globalization;
using System.Text.Json;
using Wharf.Oci;
using Wharf.Oci.Registry;

namespace Wharf.Cli.Commands;

/// <summary>
/// A model version as the Wharf registry stores it: the artifact <c>&lt;host&gt;/&lt;project&gt;/models/&lt;model&gt;:v&lt;N&gt;</c>
/// (aliases are tags there too), its manifest (<c>artifactType application/vnd.wharf.model.v1</c>), its files (one layer
/// each, the path in the title annotation) and the source run from its config blob.
/// </summary>
internal sealed record ModelArtifact(string Project, string Model, ImageReference Reference, RegistryManifest Manifest, int? Version, string? RunId, IReadOnlyList<ModelFile> Files)
{
    public const string ArtifactType = "application/vnd.wharf.model.v1";
    public const string RawFileMediaType = "application/octet-stream";
    public const string TitleAnnotation = "org.opencontainers.image.title";
    private const int MaxConfigBytes = 1024 * 1024;

    public string Repository => $"{Project}/models/{Model}";

    /// <summary>Parses <c>&lt;project&gt;/&lt;model&gt;@&lt;version|alias&gt;</c> into the artifact reference on <paramref name="registry"/>.</summary>
    public static (string Project, string Model, ImageReference Reference) ParseReference(string value, string registry)
    {
        var at = value.LastIndexOf('@');
        var slash = value.IndexOf('/', StringComparison.Ordinal);
        if (at < 0 || slash <= 0 || slash > at || at == value.Length - 1)
        {
            throw new ArgumentException($"model '{value}' must be <project>/<model>@<version|alias>, e.g. ml/iris@3 or ml/iris@production");
        }

        var project = value[..slash];
        var model = value[(slash + 1)..at];
        var selector = value[(at + 1)..];
        var tag = int.TryParse(selector.StartsWith('v') ? selector[1..] : selector, NumberStyles.None, CultureInfo.InvariantCulture, out var number) && number > 0
            ? $"v{number}"
            : selector;
        if (!ImageReference.TryParse($"{registry}/{project}/models/{model}:{tag}", out var reference, out var error))
        {
            throw new ArgumentException($"model '{value}': {error}");
        }

        return (project, model, reference);
    }

    /// <summary>Reads the manifest and config; refuses what is not a Wharf model and file names that would leave <c>model/</c>.</summary>
    public static async Task<ModelArtifact> ReadAsync(RegistryClient client, string project, string model, ImageReference reference, CancellationToken cancellationToken)
    {
        RegistryManifest manifest;
        try
        {
            manifest = await client.GetManifestAsync(reference, cancellationToken);
        }
        catch (RegistryException ex) when (ex.StatusCode == System.Net.HttpStatusCode.NotFound || ex.HasCode("MANIFEST_UNKNOWN") || ex.HasCode("NAME_UNKNOWN"))
        {
            throw new ImageCommandException($"model {project}/{model}@{reference.Tag} does not exist: no {reference} in the registry");
        }

        if (manifest.Manifest.IsIndex || manifest.Manifest.ArtifactType != ArtifactType)
        {
            throw new ImageCommandException($"{reference} is not a Wharf model version (artifact type '{manifest.Manifest.ArtifactType}', not {ArtifactType})");
        }

        var files = new List<ModelFile>();
        foreach (var layer in manifest.Manifest.Layers)
        {
            var title = layer.Annotations?.GetValueOrDefault(TitleAnnotation)
                ?? throw new ImageCommandException($"{reference}: layer {layer.Digest} has no {TitleAnnotation} annotation naming its file");
            CheckPath(reference, title);
            var verbatim = layer.MediaType switch
            {
                MediaTypes.OciLayerTar => true,
                RawFileMediaType => false,
                _ => throw new ImageCommandException($"{reference}: layer '{title}' has media type '{layer.MediaType}', neither a tar layer nor a raw file"),
            };
            files.Add(new ModelFile(title, layer, verbatim));
        }

        var annotations = manifest.Manifest.Annotations;
        int? version = annotations?.GetValueOrDefault("vnd.wharf.model.version") is { } v && int.TryParse(v, NumberStyles.None, CultureInfo.InvariantCulture, out var n) ? n : null;
        var runId = annotations?.GetValueOrDefault("vnd.wharf.model.run-id");
        if (manifest.Manifest.Config is { Size: > 0 and <= MaxConfigBytes } config)
        {
            await using var stream = await client.OpenBlobAsync(reference, config, cancellationToken);
            using var buffer = new MemoryStream();
            await stream.CopyToAsync(buffer, cancellationToken);
            try
            {
                using var document = JsonDocument.Parse(buffer.ToArray());
                if (document.RootElement.ValueKind == JsonValueKind.Object)
                {
                    if (document.RootElement.TryGetProperty("source_run_id", out var run) && run.ValueKind == JsonValueKind.String)
                    {
                        runId = run.GetString();
                    }

                    if (version is null && document.RootElement.TryGetProperty("version", out var number) && number.TryGetInt32(out var fromConfig))
                    {
                        version = fromConfig;
                    }
                }
            }
            catch (JsonException)
            {
                // The labels then lack the run; the files are what the image needs.
            }
        }

        return new ModelArtifact(project, model, reference, manifest, version, string.IsNullOrEmpty(runId) ? null : runId, files);
    }

    /// <summary>A file path from the manifest must stay under <c>model/</c>: relative, no '.', '..' or empty segments, no '\' or control characters.</summary>
    private static void CheckPath(ImageReference reference, string title)
    {
        if (title.Length == 0 || title.Length > 4096 || title.StartsWith('/') || title.Contains('\\', StringComparison.Ordinal) || title.Any(char.IsControl)
            || title.Split('/').Any(s => s is "" or "." or ".."))
        {
            var shown = new string([.. title.Take(120).Select(c => char.IsControl(c) ? '?' : c)]);
            throw new ImageCommandException($"{reference}: file name '{shown}' is refused: it must be a relative path without '.', '..' or empty segments");
        }
    }
}
