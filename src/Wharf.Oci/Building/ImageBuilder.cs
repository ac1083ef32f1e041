using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using Wharf.Oci.Layout;

namespace Wharf.Oci.Building;

/// <summary>
/// Builds an OCI image without a container daemon: a base image (optional) plus appended layers, a config and an
/// image manifest, written to an <see cref="IImageSink"/>.
/// <para>
/// Reproducible: given the same base, the same layer contents, the same settings and the same timestamp, the config
/// and manifest bytes are identical (JSON with sorted keys and no whitespace; env, labels, ports and annotations
/// sorted by key), so the manifest digest is too. Built layers are deterministic (see <see cref="DeterministicLayer"/>).
/// </para>
/// <para>
/// Incremental: a blob the sink already has is never written again (its bytes count as 0 in <see cref="BuildResult"/>),
/// and with a <see cref="LayerCache"/> a layer from unchanged files is not even rebuilt.
/// </para>
/// <para>
/// Always writes an OCI image manifest with an OCI config media type. Docker schema 2 base images are accepted:
/// their layer media types are mapped to the OCI equivalents (the blobs are byte-identical formats, so digests and
/// diff_ids are unchanged) and their config JSON is kept as is (the OCI config is the same document).
/// </para>
/// <para>
/// Config semantics follow Dockerfile: setting <see cref="Entrypoint"/> without <see cref="Cmd"/> clears the base's
/// Cmd; <see cref="Env"/> replaces base variables of the same name and appends new ones sorted by name;
/// <see cref="Labels"/> and <see cref="ExposedPorts"/> are merged into the base's.
/// </para>
/// </summary>
public sealed partial class ImageBuilder
{
    private readonly ImageBuilderOptions _options;
    private readonly List<PendingLayer> _layers = [];
    private IImageSource? _baseSource;
    private string? _baseReference;

    /// <summary>Creates a builder.</summary>
    /// <param name="options">Settings; null for the defaults.</param>
    public ImageBuilder(ImageBuilderOptions? options = null) => _options = options ?? new ImageBuilderOptions();

    /// <summary>The entrypoint (exec form); null keeps the base's.</summary>
    public IReadOnlyList<string>? Entrypoint { get; set; }

    /// <summary>The default arguments (exec form); null keeps the base's, unless <see cref="Entrypoint"/> is set.</summary>
    public IReadOnlyList<string>? Cmd { get; set; }

    /// <summary>Environment variables set in the image, by name.</summary>
    public IDictionary<string, string> Env { get; } = new SortedDictionary<string, string>(StringComparer.Ordinal);

    /// <summary>The working directory; null keeps the base's.</summary>
    public string? WorkingDir { get; set; }

    /// <summary>The user the process runs as; null keeps the base's.</summary>
    public string? User { get; set; }

    /// <summary>Ports the image listens on, as <c>8080/tcp</c> (a bare number means tcp).</summary>
    public ISet<string> ExposedPorts { get; } = new SortedSet<string>(StringComparer.Ordinal);

    /// <summary>Config labels, e.g. <c>org.opencontainers.image.*</c> and <c>wharf.model.name</c>/<c>version</c>/<c>run</c>/<c>digest</c>.</summary>
    public IDictionary<string, string> Labels { get; } = new SortedDictionary<string, string>(StringComparer.Ordinal);

    /// <summary>Manifest annotations. <c>org.opencontainers.image.base.digest</c> is added for a base image.</summary>
    public IDictionary<string, string> Annotations { get; } = new SortedDictionary<string, string>(StringComparer.Ordinal);

    /// <summary>Starts from a base image; without one the image starts empty (scratch).</summary>
    /// <param name="source">Where the base is read from.</param>
    /// <param name="reference">The base's tag or digest in that source; an index picks <see cref="ImageBuilderOptions.Platform"/>.</param>
    public ImageBuilder FromBase(IImageSource source, string reference)
    {
        ArgumentNullException.ThrowIfNull(source);
        ArgumentException.ThrowIfNullOrEmpty(reference);
        _baseSource = source;
        _baseReference = reference;
        return this;
    }

    /// <summary>Appends a layer built from files.</summary>
    /// <param name="layer">The layer's entries.</param>
    /// <param name="createdBy">The history entry's <c>created_by</c>, e.g. <c>wharf: serving runtime /opt/wharf-serve</c>.</param>
    /// <param name="compression">gzip (default) or none.</param>
    public ImageBuilder AddLayer(DeterministicLayer layer, string createdBy, LayerCompression compression = LayerCompression.Gzip)
    {
        ArgumentNullException.ThrowIfNull(layer);
        ArgumentNullException.ThrowIfNull(createdBy);
        _layers.Add(new PendingLayer(LayerOrigin.Built, createdBy, layer, compression, null, default, null));
        return this;
    }

    /// <summary>
    /// Appends an existing layer blob verbatim (no copy when the sink has it, never recompressed): for example the
    /// stored layer of a model version. For an uncompressed tar layer the diff_id must equal the digest.
    /// </summary>
    /// <param name="layer">The layer's descriptor (a tar or tar+gzip layer media type).</param>
    /// <param name="diffId">The digest of the layer's uncompressed tar.</param>
    /// <param name="open">Opens the blob, called only when the sink does not have it.</param>
    /// <param name="createdBy">The history entry's <c>created_by</c>.</param>
    /// <exception cref="ImageBuildException">The media type is not a layer, or an uncompressed layer's diff_id differs from its digest.</exception>
    public ImageBuilder AddExistingLayer(Descriptor layer, Digest diffId, Func<CancellationToken, Task<Stream>> open, string createdBy)
    {
        ArgumentNullException.ThrowIfNull(layer);
        ArgumentNullException.ThrowIfNull(open);
        ArgumentNullException.ThrowIfNull(createdBy);
        var mediaType = ToOciLayerMediaType(layer.MediaType);
        if (!mediaType.StartsWith("application/vnd.oci.image.layer.", StringComparison.Ordinal))
        {
            throw new ImageBuildException($"layer {layer.Digest} has media type '{layer.MediaType}', which is not a layer");
        }

        if (mediaType == MediaTypes.OciLayerTar && diffId != layer.Digest)
        {
            throw new ImageBuildException($"layer {layer.Digest} is an uncompressed tar, so its diff_id must be its digest, not {diffId}");
        }

        if (diffId.IsEmpty)
        {
            throw new ImageBuildException($"layer {layer.Digest} needs its diff_id");
        }

        _layers.Add(new PendingLayer(LayerOrigin.Existing, createdBy, null, default, layer with { MediaType = mediaType }, diffId, open));
        return this;
    }

    /// <summary>Appends an existing layer blob read from an image source, verbatim. See the other overload.</summary>
    /// <param name="layer">The layer's descriptor.</param>
    /// <param name="diffId">The digest of the layer's uncompressed tar.</param>
    /// <param name="source">Where the blob is read from when the sink lacks it.</param>
    /// <param name="createdBy">The history entry's <c>created_by</c>.</param>
    public ImageBuilder AddExistingLayer(Descriptor layer, Digest diffId, IImageSource source, string createdBy)
    {
        ArgumentNullException.ThrowIfNull(source);
        return AddExistingLayer(layer, diffId, ct => source.OpenBlobAsync(layer, ct), createdBy);
    }

    /// <summary>
    /// Builds the image and writes it: missing base layers, new layers and the config first, the manifest (named
    /// <paramref name="reference"/>) last. Any failure before the manifest leaves the reference untouched.
    /// </summary>
    /// <param name="sink">Where the image goes.</param>
    /// <param name="reference">The tag or reference name of the result.</param>
    /// <param name="cancellationToken">Cancels the build.</param>
    /// <exception cref="ImageBuildException">The base or an input cannot be used; the message says which and why.</exception>
    /// <exception cref="NoMatchingPlatformException">The base is an index without the wanted platform.</exception>
    public async Task<BuildResult> BuildAsync(IImageSink sink, string reference, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(sink);
        ArgumentException.ThrowIfNullOrEmpty(reference);
        Validate();
        var created = SourceDateEpoch.Resolve(_options.Created);
        var createdText = created.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture);

        var (baseManifest, config) = await LoadBaseAsync(cancellationToken);
        var layers = new List<BuiltLayer>();
        var manifestLayers = new List<Descriptor>();
        var diffIds = config["rootfs"]!["diff_ids"]!.AsArray();
        if (baseManifest is not null)
        {
            foreach (var layer in baseManifest.Manifest.Layers)
            {
                var ociLayer = layer with { MediaType = ToOciLayerMediaType(layer.MediaType) };
                long written = 0;
                if (!layer.IsForeign && !await sink.HasBlobAsync(ociLayer, cancellationToken))
                {
                    await using var blob = new DigestVerifyingStream(await _baseSource!.OpenBlobAsync(layer, cancellationToken), layer.Digest, layer.Size, $"base layer {layer.Digest}");
                    written = await sink.WriteBlobAsync(ociLayer, blob, cancellationToken);
                }

                manifestLayers.Add(ociLayer);
                layers.Add(new BuiltLayer(ociLayer, Digest.Parse(diffIds[layers.Count]!.GetValue<string>()), LayerOrigin.Base, written, false));
            }
        }

        var history = config["history"] as JsonArray ?? [];
        config["history"] = history;
        foreach (var pending in _layers)
        {
            var built = pending.Origin == LayerOrigin.Built
                ? await WriteBuiltLayerAsync(pending, sink, created, cancellationToken)
                : await WriteExistingLayerAsync(pending, sink, cancellationToken);
            layers.Add(built);
            manifestLayers.Add(built.Descriptor);
            diffIds.Add(built.DiffId.ToString());
            history.Add(new JsonObject { ["created"] = createdText, ["created_by"] = pending.CreatedBy });
        }

        config["created"] = createdText;
        ApplySettings(config);
        var configBytes = CanonicalJson.Serialize(config);
        var configDescriptor = new Descriptor(MediaTypes.OciConfig, Digest.Sha256(configBytes), configBytes.Length);
        long configWritten = 0;
        if (!await sink.HasBlobAsync(configDescriptor, cancellationToken))
        {
            using var stream = new MemoryStream(configBytes, writable: false);
            configWritten = await sink.WriteBlobAsync(configDescriptor, stream, cancellationToken);
        }

        var annotations = new SortedDictionary<string, string>(Annotations, StringComparer.Ordinal);
        if (baseManifest is not null)
        {
            annotations.TryAdd("org.opencontainers.image.base.digest", baseManifest.Descriptor.Digest.ToString());
        }

        var manifestBytes = ManifestBytes(configDescriptor, manifestLayers, annotations);
        var manifestDescriptor = new Descriptor(MediaTypes.OciManifest, Digest.Sha256(manifestBytes), manifestBytes.Length);
        await sink.WriteManifestAsync(manifestDescriptor, manifestBytes, reference, cancellationToken);
        return new BuildResult(manifestDescriptor, configDescriptor, layers, configWritten, manifestBytes.Length);
    }

    private async Task<(ManifestContent? Manifest, JsonObject Config)> LoadBaseAsync(CancellationToken cancellationToken)
    {
        if (_baseSource is null)
        {
            var scratch = new JsonObject
            {
                ["architecture"] = _options.Platform.Architecture,
                ["os"] = _options.Platform.Os,
                ["config"] = new JsonObject(),
                ["rootfs"] = new JsonObject { ["type"] = "layers", ["diff_ids"] = new JsonArray() },
            };
            if (_options.Platform.Variant is not null)
            {
                scratch["variant"] = _options.Platform.Variant;
            }

            return (null, scratch);
        }

        var content = await _baseSource.GetManifestAsync(_baseReference!, cancellationToken);
        for (var depth = 0; content.Manifest.IsIndex; depth++)
        {
            if (depth == 4)
            {
                throw new ImageBuildException($"base '{_baseReference}' nests indexes more than four deep");
            }

            var chosen = PlatformSelector.Select(content.Descriptor.Digest, content.Manifest, _options.Platform);
            content = await _baseSource.GetManifestAsync(chosen.Digest.ToString(), cancellationToken);
        }

        if (content.Manifest.Config is not { } configDescriptor)
        {
            throw new ImageBuildException($"base '{_baseReference}' ({content.Descriptor.Digest}) is not an image manifest");
        }

        if (configDescriptor.MediaType is not (MediaTypes.OciConfig or MediaTypes.DockerConfig))
        {
            throw new ImageBuildException($"base '{_baseReference}' has config media type '{configDescriptor.MediaType}', not an image config");
        }

        if (configDescriptor.Size > _options.MaxConfigBytes)
        {
            throw new ImageBuildException($"base '{_baseReference}' config is {configDescriptor.Size} bytes, more than the {_options.MaxConfigBytes} allowed");
        }

        var bytes = new byte[configDescriptor.Size];
        await using (var stream = new DigestVerifyingStream(await _baseSource.OpenBlobAsync(configDescriptor, cancellationToken), configDescriptor.Digest, configDescriptor.Size, $"base config {configDescriptor.Digest}"))
        {
            try
            {
                await stream.ReadExactlyAsync(bytes, cancellationToken);
                _ = await stream.ReadAsync(new byte[1], cancellationToken);
            }
            catch (Exception ex) when (ex is InvalidDataException or EndOfStreamException)
            {
                throw new ImageBuildException($"base '{_baseReference}' config: {ex.Message}", ex);
            }
        }

        JsonObject config;
        try
        {
            config = JsonNode.Parse(bytes, documentOptions: new JsonDocumentOptions { MaxDepth = 64 }) as JsonObject
                ?? throw new ImageBuildException($"base '{_baseReference}' config is not a JSON object");
        }
        catch (JsonException ex)
        {
            throw new ImageBuildException($"base '{_baseReference}' config is not valid JSON: {ex.Message}", ex);
        }

        if (config["rootfs"] is not JsonObject rootfs || rootfs["diff_ids"] is not JsonArray diffIds
            || diffIds.Count != content.Manifest.Layers.Count
            || diffIds.Any(d => d is not JsonValue v || !v.TryGetValue<string>(out var s) || !Digest.TryParse(s, out _)))
        {
            throw new ImageBuildException($"base '{_baseReference}' config must list one valid rootfs.diff_ids entry per layer ({content.Manifest.Layers.Count})");
        }

        return (content, config);
    }

    private async Task<BuiltLayer> WriteBuiltLayerAsync(PendingLayer pending, IImageSink sink, DateTimeOffset created, CancellationToken cancellationToken)
    {
        var cache = _options.LayerCache;
        var key = cache is null ? null : pending.Layer!.ComputeCacheKey(pending.Compression, created);
        if (key is not null && cache!.TryGet(key, out var known) && await sink.HasBlobAsync(known.Descriptor, cancellationToken))
        {
            return new BuiltLayer(known.Descriptor, known.DiffId, LayerOrigin.Built, 0, FromCache: true);
        }

        var directory = _options.TempDirectory ?? Path.GetTempPath();
        var temp = Path.Combine(directory, $"wharf-layer-{Guid.NewGuid():N}.tmp");
        try
        {
            LayerWriteResult result;
            await using (var file = new FileStream(temp, FileMode.CreateNew, FileAccess.ReadWrite, FileShare.None, 1 << 16, FileOptions.Asynchronous))
            {
                result = await pending.Layer!.WriteAsync(file, pending.Compression, created, cancellationToken);
                long written = 0;
                if (!await sink.HasBlobAsync(result.Descriptor, cancellationToken))
                {
                    await file.FlushAsync(cancellationToken);
                    file.Position = 0;
                    written = await sink.WriteBlobAsync(result.Descriptor, file, cancellationToken);
                }

                if (key is not null)
                {
                    cache!.Set(key, result);
                }

                return new BuiltLayer(result.Descriptor, result.DiffId, LayerOrigin.Built, written, FromCache: false);
            }
        }
        finally
        {
            File.Delete(temp);
        }
    }

    private static async Task<BuiltLayer> WriteExistingLayerAsync(PendingLayer pending, IImageSink sink, CancellationToken cancellationToken)
    {
        var layer = pending.Existing!;
        long written = 0;
        if (!await sink.HasBlobAsync(layer, cancellationToken))
        {
            await using var blob = new DigestVerifyingStream(await pending.Open!(cancellationToken), layer.Digest, layer.Size, $"layer {layer.Digest}");
            written = await sink.WriteBlobAsync(layer, blob, cancellationToken);
        }

        return new BuiltLayer(layer, pending.DiffId, LayerOrigin.Existing, written, FromCache: false);
    }

    /// <summary>Checks the settings before anything is written, so a bad one never costs a half-written build.</summary>
    private void Validate()
    {
        foreach (var port in ExposedPorts)
        {
            if (!PortPattern().IsMatch(port))
            {
                throw new ImageBuildException($"exposed port '{LayerPath.Printable(port)}' must look like 8080 or 8080/tcp (tcp, udp or sctp)");
            }
        }

        foreach (var name in Env.Keys)
        {
            if (name.Length == 0 || name.Contains('=', StringComparison.Ordinal) || name.Any(char.IsControl))
            {
                throw new ImageBuildException($"environment variable name '{LayerPath.Printable(name)}' is empty or contains '=' or a control character");
            }
        }

        if (Entrypoint?.Any(a => a is null) == true || Cmd?.Any(a => a is null) == true)
        {
            throw new ImageBuildException("Entrypoint and Cmd may not contain null");
        }

        if (Labels.Keys.Concat(Annotations.Keys).Any(k => k.Length == 0))
        {
            throw new ImageBuildException("label and annotation keys may not be empty");
        }
    }

    [GeneratedRegex(@"^[0-9]{1,5}(/(tcp|udp|sctp))?$", RegexOptions.CultureInvariant)]
    private static partial Regex PortPattern();

    private void ApplySettings(JsonObject image)
    {
        if (image["config"] is not JsonObject config)
        {
            config = [];
            image["config"] = config;
        }

        if (Entrypoint is not null)
        {
            config["Entrypoint"] = StringArray(Entrypoint);
            if (Cmd is null)
            {
                config.Remove("Cmd");
            }
        }

        if (Cmd is not null)
        {
            config["Cmd"] = StringArray(Cmd);
        }

        if (WorkingDir is not null)
        {
            config["WorkingDir"] = WorkingDir;
        }

        if (User is not null)
        {
            config["User"] = User;
        }

        if (Env.Count > 0)
        {
            var env = new List<string>();
            if (config["Env"] is JsonArray baseEnv)
            {
                foreach (var item in baseEnv)
                {
                    var text = item?.GetValue<string>() ?? string.Empty;
                    var name = text.Split('=', 2)[0];
                    env.Add(Env.TryGetValue(name, out var value) ? $"{name}={value}" : text);
                }
            }

            var present = env.Select(e => e.Split('=', 2)[0]).ToHashSet(StringComparer.Ordinal);
            env.AddRange(Env.Where(e => !present.Contains(e.Key)).Select(e => $"{e.Key}={e.Value}"));
            config["Env"] = StringArray(env);
        }

        if (ExposedPorts.Count > 0)
        {
            var ports = config["ExposedPorts"] as JsonObject ?? [];
            foreach (var port in ExposedPorts)
            {
                ports[port.Contains('/', StringComparison.Ordinal) ? port : port + "/tcp"] = new JsonObject();
            }

            config["ExposedPorts"] = ports;
        }

        if (Labels.Count > 0)
        {
            var labels = config["Labels"] as JsonObject ?? [];
            foreach (var (key, value) in Labels)
            {
                labels[key] = value;
            }

            config["Labels"] = labels;
        }
    }

    private static JsonArray StringArray(IEnumerable<string> items) => [.. items.Select(i => (JsonNode)JsonValue.Create(i))];

    private static byte[] ManifestBytes(Descriptor config, List<Descriptor> layers, IReadOnlyDictionary<string, string> annotations)
    {
        using var buffer = new MemoryStream();
        using (var writer = new Utf8JsonWriter(buffer, DescriptorJson.WriterOptions))
        {
            writer.WriteStartObject();
            writer.WriteNumber("schemaVersion", 2);
            writer.WriteString("mediaType", MediaTypes.OciManifest);
            writer.WritePropertyName("config");
            DescriptorJson.Write(writer, config);
            writer.WriteStartArray("layers");
            foreach (var layer in layers)
            {
                DescriptorJson.Write(writer, layer);
            }

            writer.WriteEndArray();
            DescriptorJson.WriteAnnotations(writer, annotations);
            writer.WriteEndObject();
        }

        return buffer.ToArray();
    }

    /// <summary>Docker schema 2 layer types to their OCI equivalents (same bytes); OCI and unknown types unchanged.</summary>
    private static string ToOciLayerMediaType(string mediaType) => mediaType switch
    {
        MediaTypes.DockerLayerGzip => MediaTypes.OciLayerGzip,
        "application/vnd.docker.image.rootfs.diff.tar" => MediaTypes.OciLayerTar,
        "application/vnd.docker.image.rootfs.foreign.diff.tar.gzip" => "application/vnd.oci.image.layer.nondistributable.v1.tar+gzip",
        _ => mediaType,
    };

    private sealed record PendingLayer(
        LayerOrigin Origin,
        string CreatedBy,
        DeterministicLayer? Layer,
        LayerCompression Compression,
        Descriptor? Existing,
        Digest DiffId,
        Func<CancellationToken, Task<Stream>>? Open);
}
