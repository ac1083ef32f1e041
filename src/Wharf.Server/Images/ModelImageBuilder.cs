using System.Globalization;
using System.Text.Json.Nodes;
using Wharf.Oci;
using Wharf.Oci.Building;
using Wharf.Server.Models;
using Wharf.Server.Registry;
using Wharf.Server.Storage;

namespace Wharf.Server.Images;

/// <summary>
/// Builds one model version's image into <c>&lt;project&gt;/images/&lt;model&gt;</c>:
/// the base (from Wharf's registry; an index picks linux/amd64), the serving runtime layer
/// (<see cref="ServingRuntimeLayer"/>, or the project's runtime image's layers), then the version's layers. A tar layer
/// (<c>model/&lt;path&gt;</c>) is appended verbatim: the same blob, linked, never copied; a raw-file layer of an older
/// version is wrapped into a tar at <c>model/&lt;title&gt;</c> (a copy, logged as such). The entrypoint runs
/// <c>wharf-serve</c> on the version's ONNX file. The timestamp is the version's creation time, so building the same
/// version again gives the same digest and writes no new blob bytes.
/// </summary>
internal sealed class ModelImageBuilder(RegistryStore registry, IBlobStore blobs, ServingRuntimeLayer runtime)
{
    public const int Port = 8000;

    /// <summary>What a build needs to know of its version.</summary>
    internal sealed record Target(
        string Project, string Model, int Version, string RunId, string? ManifestDigest, long CreationTime, string? BaseImage, string? RuntimeImage);

    internal sealed record Result(Descriptor Manifest, long NewBlobBytes);

    public async Task<Result> BuildAsync(Target target, string imageReference, BuildLog log, CancellationToken cancellationToken = default)
    {
        if (target.ManifestDigest is null)
        {
            throw new ImageBuildException($"model version {target.Version} has no manifest (it is not READY)");
        }

        if (target.BaseImage is not { } baseImage || !ImageReferences.TryParse(baseImage, out var baseRef, out var baseError))
        {
            throw new ImageBuildException($"the project's base image '{target.BaseImage}' is not usable: set one with PUT .../settings/model-images");
        }

        var created = DateTimeOffset.FromUnixTimeMilliseconds(target.CreationTime);
        created = DateTimeOffset.FromUnixTimeSeconds(created.ToUnixTimeSeconds());
        var createdText = created.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture);
        var image = new ImageBuilder(new ImageBuilderOptions { Created = created, TempDirectory = Path.GetTempPath() });
        image.FromBase(new RegistryImageSource(registry, blobs, baseRef.Repository), baseRef.Reference);
        log.Line($"base {baseImage} (from Wharf's registry; an index picks linux/amd64)");

        if (target.RuntimeImage is { } runtimeImage)
        {
            await AddRuntimeImageAsync(image, runtimeImage, log, cancellationToken);
        }
        else
        {
            var (layer, built) = await runtime.GetAsync(cancellationToken);
            image.AddExistingLayer(layer.Descriptor, layer.DiffId, ct => OpenStoredAsync(layer.Descriptor.Digest, ct), $"wharf: serving runtime {ServingRuntimeLayer.ImageDirectory}");
            log.Line($"runtime layer {layer.Descriptor.Digest} ({layer.Descriptor.Size} bytes, {(built ? "built from the runtime directory" : "already built by this process")})");
        }

        var modelRepository = $"{target.Project}/models/{target.Model}";
        var models = new RegistryImageSource(registry, blobs, modelRepository);
        var manifest = await models.GetManifestAsync(target.ManifestDigest, cancellationToken);
        string? onnx = null;
        foreach (var layer in manifest.Manifest.Layers)
        {
            var title = layer.Annotations?.GetValueOrDefault(ModelStore.TitleAnnotation);
            if (title is not null && onnx is null && title.EndsWith(".onnx", StringComparison.OrdinalIgnoreCase))
            {
                onnx = title;
            }

            if (layer.MediaType == MediaTypes.OciLayerTar)
            {
                image.AddExistingLayer(layer with { Annotations = null }, layer.Digest, models, $"wharf: model file {title ?? layer.Digest.ToString()}");
                log.Line($"model layer {title ?? "(untitled)"} {layer.Digest}: reused verbatim (linked, not copied)");
            }
            else if (layer.MediaType == ModelStore.FileMediaType && title is not null)
            {
                var raw = layer;
                image.AddLayer(new DeterministicLayer().AddFileUnder("model", title, raw.Size, ct => models.OpenBlobAsync(raw, ct)),
                    $"wharf: model file {title}", LayerCompression.None);
                log.Line($"model file {title} {layer.Digest}: a raw file of an older version, copied into a tar layer at model/{title}");
            }
            else
            {
                throw new ImageBuildException($"model layer {layer.Digest} has media type '{layer.MediaType}'{(title is null ? " and no title" : "")}: not a model file layer");
            }
        }

        if (onnx is null)
        {
            throw new ImageBuildException("the model version has no .onnx file: wharf-serve serves ONNX models");
        }

        var tag = ModelNames.VersionTag(target.Version);
        image.Entrypoint = [$"{ServingRuntimeLayer.ImageDirectory}/{ServingRuntimeLayer.Executable}"];
        image.Cmd = ["--urls", $"http://0.0.0.0:{Port}", "--Serving:Models:0:Name", target.Model, "--Serving:Models:0:Path", $"/model/{onnx}"];
        image.ExposedPorts.Add($"{Port}/tcp");
        image.Labels["wharf.model.name"] = target.Model;
        image.Labels["wharf.model.version"] = target.Version.ToString(CultureInfo.InvariantCulture);
        image.Labels["wharf.model.digest"] = target.ManifestDigest;
        image.Labels["wharf.model.run"] = target.RunId;
        image.Labels["org.opencontainers.image.title"] = target.Model;
        image.Labels["org.opencontainers.image.version"] = tag;
        image.Labels["org.opencontainers.image.created"] = createdText;
        image.Labels["org.opencontainers.image.base.name"] = baseImage;
        image.Labels["org.opencontainers.image.vendor"] = "Wharf";
        image.Annotations["org.opencontainers.image.ref.name"] = tag;

        var imageRepository = imageReference[..imageReference.LastIndexOf(':')];
        if (!RepositoryName.TryParse(imageRepository, out var name, out var nameError))
        {
            throw new ImageBuildException(nameError);
        }

        var sink = new RegistryImageSink(registry, blobs, await registry.EnsureRepositoryAsync(name, cancellationToken));
        var result = await image.BuildAsync(sink, tag, cancellationToken);
        log.Line($"config {result.Config.Digest}; {result.Layers.Count} layers; {sink.NewBlobBytes} new blob bytes");
        log.Line($"manifest {result.Manifest.Digest} pushed and tagged {imageReference}");
        return new Result(result.Manifest, sink.NewBlobBytes);
    }

    /// <summary>The layers of an image in Wharf's registry, appended verbatim in place of the configured runtime.</summary>
    private async Task AddRuntimeImageAsync(ImageBuilder image, string runtimeImage, BuildLog log, CancellationToken cancellationToken)
    {
        if (!ImageReferences.TryParse(runtimeImage, out var reference, out var error))
        {
            throw new ImageBuildException($"runtime image: {error}");
        }

        var source = new RegistryImageSource(registry, blobs, reference.Repository);
        var content = await source.GetManifestAsync(reference.Reference, cancellationToken);
        if (content.Manifest.IsIndex)
        {
            var chosen = PlatformSelector.Select(content.Descriptor.Digest, content.Manifest, PlatformSelector.LinuxAmd64);
            content = await source.GetManifestAsync(chosen.Digest.ToString(), cancellationToken);
        }

        if (content.Manifest.Config is not { Size: <= 8 * 1024 * 1024 } configDescriptor)
        {
            throw new ImageBuildException($"runtime image '{runtimeImage}' is not an image manifest with a config of at most 8 MiB");
        }

        await using var stream = await source.OpenBlobAsync(configDescriptor, cancellationToken);
        var config = await JsonNode.ParseAsync(stream, cancellationToken: cancellationToken);
        var diffIds = config?["rootfs"]?["diff_ids"] as JsonArray;
        if (diffIds is null || diffIds.Count != content.Manifest.Layers.Count)
        {
            throw new ImageBuildException($"runtime image '{runtimeImage}' config does not list one diff_id per layer");
        }

        for (var i = 0; i < content.Manifest.Layers.Count; i++)
        {
            var layer = content.Manifest.Layers[i];
            if (!Digest.TryParse(diffIds[i]?.GetValue<string>(), out var diffId))
            {
                throw new ImageBuildException($"runtime image '{runtimeImage}' has an invalid diff_id for layer {i}");
            }

            image.AddExistingLayer(layer with { Annotations = null }, diffId, source, $"wharf: serving runtime from {runtimeImage}");
        }

        log.Line($"runtime from image {runtimeImage} ({content.Manifest.Layers.Count} layers, reused verbatim)");
    }

    private async Task<Stream> OpenStoredAsync(Digest digest, CancellationToken cancellationToken)
        => await blobs.OpenReadAsync(digest, cancellationToken) ?? throw new ImageBuildException($"blob {digest} is missing from the blob store");
}
