using System.Globalization;
using System.Net.Http.Headers;
using System.Security.Cryptography;
using System.Text.Json;
using System.Text.RegularExpressions;
using Wharf.Client.Models;

namespace Wharf.Client;

/// <summary>
/// The model registry (<c>/api/v1/projects/{project}/models</c>), and pulling a version's files straight from the
/// registry (<c>/v2/&lt;project&gt;/models/&lt;name&gt;</c>) with the same token.
/// </summary>
public sealed partial class WharfClient
{
    /// <summary>The largest manifest the registry stores; a bigger answer is not a manifest.</summary>
    private const int MaxManifestBytes = 4 * 1024 * 1024;

    private const string OciManifest = "application/vnd.oci.image.manifest.v1+json";
    private const string TitleAnnotation = "org.opencontainers.image.title";
    private const string FileDigestAnnotation = "vnd.wharf.model.file.digest";
    private const string FileSizeAnnotation = "vnd.wharf.model.file.size";

    /// <summary>A model file layer: an uncompressed tar holding the file at <c>model/&lt;title&gt;</c>.</summary>
    private const string TarLayer = "application/vnd.oci.image.layer.v1.tar";

    /// <summary>A model file layer of a version registered before files became tar layers: the raw file.</summary>
    private const string RawLayer = "application/octet-stream";

    /// <summary>Lists a project's models in name order, a page at a time.</summary>
    /// <param name="project">The project.</param>
    /// <param name="last">Start after this name (the previous page's <see cref="ModelPage.Next"/>).</param>
    /// <param name="count">Page size (1 to 1000).</param>
    /// <param name="cancellationToken">Cancels the request.</param>
    public Task<ModelPage> ListModelsAsync(string project, string? last = null, int count = 100, CancellationToken cancellationToken = default)
        => GetAsync(string.Create(CultureInfo.InvariantCulture, $"{ModelsPath(project)}?n={count}{Query("last", last)}"), WharfJsonContext.Default.ModelPage, cancellationToken);

    /// <summary>Creates a model in a project (needs <c>models:write</c>).</summary>
    /// <param name="project">The project.</param>
    /// <param name="name">The model's name: lowercase letters and digits joined by single <c>.</c>, <c>_</c> or <c>-</c>.</param>
    /// <param name="description">A description; none when null.</param>
    /// <param name="cancellationToken">Cancels the request.</param>
    public Task<ModelInfo> CreateModelAsync(string project, string name, string? description = null, CancellationToken cancellationToken = default)
        => SendAsync(HttpMethod.Post, ModelsPath(project), new CreateModelRequest(name, description), WharfJsonContext.Default.CreateModelRequest,
            WharfJsonContext.Default.ModelInfo, cancellationToken);

    /// <summary>Gets a model with its versions (newest first) and aliases.</summary>
    /// <param name="project">The project.</param>
    /// <param name="name">The model's name.</param>
    /// <param name="cancellationToken">Cancels the request.</param>
    public Task<ModelInfo> GetModelAsync(string project, string name, CancellationToken cancellationToken = default)
        => GetAsync(ModelPath(project, name), WharfJsonContext.Default.ModelInfo, cancellationToken);

    /// <summary>
    /// Registers a new version of a model from a run's files (needs <c>models:write</c>). The answer says whether it is
    /// <see cref="ModelVersionStatuses.Ready"/> or <see cref="ModelVersionStatuses.FailedRegistration"/> (and why).
    /// </summary>
    /// <param name="project">The project of the model and the run.</param>
    /// <param name="name">The model's name.</param>
    /// <param name="source"><c>&lt;run_id&gt;/&lt;path&gt;</c>: a file or directory under the run's artifact root.</param>
    /// <param name="description">A description; none when null.</param>
    /// <param name="cancellationToken">Cancels the request.</param>
    public Task<ModelVersionInfo> RegisterModelVersionAsync(
        string project, string name, string source, string? description = null, CancellationToken cancellationToken = default)
        => SendAsync(HttpMethod.Post, $"{ModelPath(project, name)}/versions", new RegisterModelVersionRequest(source, description),
            WharfJsonContext.Default.RegisterModelVersionRequest, WharfJsonContext.Default.ModelVersionInfo, cancellationToken);

    /// <summary>Gets one version: status, signature, files, OCI reference and lineage.</summary>
    /// <param name="project">The project.</param>
    /// <param name="name">The model's name.</param>
    /// <param name="version">The version number.</param>
    /// <param name="cancellationToken">Cancels the request.</param>
    public Task<ModelVersionInfo> GetModelVersionAsync(string project, string name, int version, CancellationToken cancellationToken = default)
        => GetAsync(string.Create(CultureInfo.InvariantCulture, $"{ModelPath(project, name)}/versions/{version}"), WharfJsonContext.Default.ModelVersionInfo, cancellationToken);

    /// <summary>Points an alias (and its registry tag) at a READY version, creating or moving it (needs <c>models:promote</c>).</summary>
    /// <param name="project">The project.</param>
    /// <param name="name">The model's name.</param>
    /// <param name="alias">The alias, such as <c>production</c>.</param>
    /// <param name="version">The version number.</param>
    /// <param name="cancellationToken">Cancels the request.</param>
    public Task<ModelAliasInfo> SetModelAliasAsync(string project, string name, string alias, int version, CancellationToken cancellationToken = default)
        => SendAsync(HttpMethod.Put, $"{ModelPath(project, name)}/aliases/{Segment(alias)}", new SetModelAliasRequest(version),
            WharfJsonContext.Default.SetModelAliasRequest, WharfJsonContext.Default.ModelAliasInfo, cancellationToken);

    /// <summary>Deletes an alias and its registry tag (needs <c>models:promote</c>).</summary>
    /// <param name="project">The project.</param>
    /// <param name="name">The model's name.</param>
    /// <param name="alias">The alias.</param>
    /// <param name="cancellationToken">Cancels the request.</param>
    public Task DeleteModelAliasAsync(string project, string name, string alias, CancellationToken cancellationToken = default)
        => DeleteAsync($"{ModelPath(project, name)}/aliases/{Segment(alias)}", cancellationToken);

    /// <summary>
    /// Downloads a version's files into <paramref name="directory"/>: resolves <c>&lt;project&gt;/models/&lt;name&gt;:&lt;tag&gt;</c>
    /// through the registry and streams every layer to a temporary file in the directory while hashing it. A layer is
    /// an uncompressed tar holding the file at <c>model/&lt;title&gt;</c> (a version registered before that has the raw
    /// file as its layer, which is read as is): its one file is extracted while the layer streams, the layer's digest
    /// and size and the file's digest and size (the layer's annotations) are all checked, and only when every file of
    /// the version has passed are they moved to <c>&lt;directory&gt;/&lt;title&gt;</c>. Every title is checked before
    /// anything is written: absolute paths, <c>..</c>, and anything that would land outside the directory or through a
    /// symbolic link are refused with <see cref="InvalidDataException"/>, and so is a tar that holds anything but the
    /// expected file and its directories (other names, links, devices).
    /// </summary>
    /// <param name="project">The project.</param>
    /// <param name="name">The model's name.</param>
    /// <param name="aliasOrVersion">An alias (<c>production</c>) or a version (<c>3</c> or <c>v3</c>).</param>
    /// <param name="directory">Where the files go; created when missing.</param>
    /// <param name="progress">Told as layer bytes arrive; none when null.</param>
    /// <param name="cancellationToken">Cancels the transfer; a refused or cancelled pull leaves none of the version's files in place.</param>
    public async Task<ModelPullResult> PullModelAsync(
        string project, string name, string aliasOrVersion, string directory, IProgress<ModelPullProgress>? progress = null,
        CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(project);
        ArgumentException.ThrowIfNullOrEmpty(name);
        ArgumentException.ThrowIfNullOrEmpty(directory);
        var tag = ModelTag(aliasOrVersion);
        if (!PathComponent().IsMatch(project) || !PathComponent().IsMatch(name))
        {
            throw new ArgumentException($"'{project}/{name}' is not a model of a project");
        }

        var repository = $"{project}/models/{name}";
        var (manifestDigest, layers) = await ReadModelManifestAsync(repository, tag, cancellationToken);
        var root = Path.GetFullPath(directory);
        var targets = layers.Select(l => (Layer: l, Target: Destination(root, l.Path))).ToList();
        var duplicate = targets.GroupBy(t => t.Target, StringComparer.Ordinal).FirstOrDefault(g => g.Count() > 1);
        if (duplicate is not null)
        {
            throw new InvalidDataException($"the manifest of {repository}:{tag} names the file '{duplicate.First().Layer.Path}' twice");
        }

        foreach (var (_, target) in targets)
        {
            CheckNoLinks(root, target);
        }

        Directory.CreateDirectory(root);
        var total = layers.Sum(l => l.LayerSize);
        long done = 0;
        // Every file is staged in the directory (same file system: the final move is a rename) and moved into place
        // only once all of them are verified, so a refused layer leaves nothing of the version behind.
        var staged = new List<(string Partial, string Target)>(targets.Count);
        try
        {
            foreach (var (layer, target) in targets)
            {
                var partial = Path.Combine(root, $".wharf-pull-{Guid.NewGuid():N}.partial");
                staged.Add((partial, target));
                await DownloadLayerAsync(repository, layer, partial, bytes =>
                {
                    done += bytes;
                    progress?.Report(new ModelPullProgress(layer.Path, done, total));
                }, cancellationToken);
            }

            foreach (var (partial, target) in staged)
            {
                CheckNoLinks(root, target);
                Directory.CreateDirectory(Path.GetDirectoryName(target)!);
                File.Move(partial, target, overwrite: true);
            }
        }
        finally
        {
            foreach (var (partial, _) in staged)
            {
                File.Delete(partial);
            }
        }

        return new ModelPullResult($"{repository}:{tag}", manifestDigest, root, layers);
    }

    private async Task<(string Digest, List<ModelFileInfo> Layers)> ReadModelManifestAsync(string repository, string tag, CancellationToken cancellationToken)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, $"v2/{repository}/manifests/{tag}");
        request.Headers.Accept.Add(new MediaTypeWithQualityHeaderValue(OciManifest));
        using var response = await _http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, cancellationToken);
        if (!response.IsSuccessStatusCode)
        {
            throw new WharfApiException(response.StatusCode, new ProblemDetailsPayload(null, null, (int)response.StatusCode,
                response.StatusCode == System.Net.HttpStatusCode.NotFound ? $"{repository}:{tag} does not exist" : $"the registry refused {repository}:{tag}", null));
        }

        if (response.Content.Headers.ContentLength is > MaxManifestBytes)
        {
            throw new InvalidDataException($"the manifest of {repository}:{tag} is larger than {MaxManifestBytes} bytes");
        }

        // Bounded read: a manifest is small, and a hostile server must not make the client buffer without end.
        await using var stream = await response.Content.ReadAsStreamAsync(cancellationToken);
        using var buffer = new MemoryStream();
        var chunk = new byte[81920];
        int read;
        while ((read = await stream.ReadAsync(chunk, cancellationToken)) > 0)
        {
            if (buffer.Length + read > MaxManifestBytes)
            {
                throw new InvalidDataException($"the manifest of {repository}:{tag} is larger than {MaxManifestBytes} bytes");
            }

            buffer.Write(chunk, 0, read);
        }

        var content = buffer.ToArray();
        var digest = "sha256:" + Convert.ToHexStringLower(SHA256.HashData(content));
        if (response.Headers.TryGetValues("Docker-Content-Digest", out var claimed) && claimed.FirstOrDefault() is { } header && header != digest)
        {
            throw new InvalidDataException($"the manifest of {repository}:{tag} does not match its digest {header}");
        }

        var layers = new List<ModelFileInfo>();
        try
        {
            using var document = JsonDocument.Parse(content);
            if (!document.RootElement.TryGetProperty("layers", out var array) || array.ValueKind != JsonValueKind.Array)
            {
                throw new InvalidDataException($"the manifest of {repository}:{tag} has no layers");
            }

            foreach (var layer in array.EnumerateArray())
            {
                var layerDigest = layer.GetProperty("digest").GetString() ?? "";
                var size = layer.GetProperty("size").GetInt64();
                var mediaType = layer.TryGetProperty("mediaType", out var m) && m.ValueKind == JsonValueKind.String ? m.GetString()! : null;
                var annotations = layer.TryGetProperty("annotations", out var a) && a.ValueKind == JsonValueKind.Object ? a : (JsonElement?)null;
                var title = annotations is { } titled && titled.TryGetProperty(TitleAnnotation, out var t) && t.ValueKind == JsonValueKind.String ? t.GetString()! : null;
                if (title is null)
                {
                    throw new InvalidDataException($"a layer of {repository}:{tag} has no {TitleAnnotation} annotation");
                }

                if (!Sha256Digest().IsMatch(layerDigest) || size < 0)
                {
                    throw new InvalidDataException($"layer '{title}' of {repository}:{tag} has an invalid digest or size");
                }

                switch (mediaType)
                {
                    case RawLayer:
                        layers.Add(new ModelFileInfo(title, layerDigest, size, layerDigest, size, RawLayer));
                        break;
                    case TarLayer:
                        var fileDigest = annotations!.Value.TryGetProperty(FileDigestAnnotation, out var d) && d.ValueKind == JsonValueKind.String ? d.GetString()! : "";
                        var fileSize = annotations.Value.TryGetProperty(FileSizeAnnotation, out var z) && z.ValueKind == JsonValueKind.String
                            && long.TryParse(z.GetString(), NumberStyles.None, CultureInfo.InvariantCulture, out var parsed) ? parsed : -1;
                        if (!Sha256Digest().IsMatch(fileDigest) || fileSize < 0)
                        {
                            throw new InvalidDataException(
                                $"layer '{title}' of {repository}:{tag} is a tar without a valid {FileDigestAnnotation} and {FileSizeAnnotation} annotation for its file");
                        }

                        layers.Add(new ModelFileInfo(title, fileDigest, fileSize, layerDigest, size, TarLayer));
                        break;
                    default:
                        throw new InvalidDataException(
                            $"layer '{title}' of {repository}:{tag} has the media type '{mediaType}'; a model layer is '{TarLayer}' (or '{RawLayer}' before Wharf wrote tars)");
                }
            }
        }
        catch (Exception ex) when (ex is JsonException or KeyNotFoundException or InvalidOperationException or FormatException)
        {
            throw new InvalidDataException($"the manifest of {repository}:{tag} is not a valid model manifest: {ex.Message}", ex);
        }

        return (digest, layers);
    }

    /// <summary>
    /// Streams one layer into <paramref name="partial"/>: a raw-file layer as it is, a tar layer's one file extracted on
    /// the fly. The layer's digest and size are checked over every byte the registry sent, and the file's against what
    /// the manifest says (for a raw layer they are the same check).
    /// </summary>
    private async Task DownloadLayerAsync(string repository, ModelFileInfo layer, string partial, Action<int> received, CancellationToken cancellationToken)
    {
        using var response = await _http.GetAsync($"v2/{repository}/blobs/{layer.LayerDigest}", HttpCompletionOption.ResponseHeadersRead, cancellationToken);
        if (!response.IsSuccessStatusCode)
        {
            throw new WharfApiException(response.StatusCode, new ProblemDetailsPayload(null, null, (int)response.StatusCode,
                $"the registry refused the blob {layer.LayerDigest} of '{layer.Path}'", null));
        }

        await using var source = await response.Content.ReadAsStreamAsync(cancellationToken);
        await using var blob = new HashingReadStream(source, layer.LayerSize, $"'{layer.Path}'", received);
        (string Digest, long Size) file;
        if (layer.LayerMediaType == TarLayer)
        {
            file = await ModelLayerTar.ExtractAsync(blob, layer.Path, layer.Size, partial, cancellationToken);
            await blob.DrainAsync(cancellationToken);
        }
        else
        {
            await using (var target = new FileStream(partial, FileMode.CreateNew, FileAccess.Write, FileShare.None, 81920, useAsync: true))
            {
                await blob.CopyToAsync(target, 81920, cancellationToken);
                await target.FlushAsync(cancellationToken);
            }

            file = (blob.Digest(), blob.BytesRead);
        }

        var actual = blob.Digest();
        if (blob.BytesRead != layer.LayerSize || actual != layer.LayerDigest)
        {
            throw new InvalidDataException(
                $"the layer of '{layer.Path}' does not match its digest: expected {layer.LayerDigest} ({layer.LayerSize} bytes), got {actual} ({blob.BytesRead} bytes)");
        }

        if (file.Size != layer.Size || file.Digest != layer.Digest)
        {
            throw new InvalidDataException(
                $"'{layer.Path}' does not match its digest: expected {layer.Digest} ({layer.Size} bytes), got {file.Digest} ({file.Size} bytes)");
        }
    }

    /// <summary>
    /// Where a layer titled <paramref name="title"/> goes under <paramref name="root"/>. Titles come from the server and
    /// are hostile input: only a relative path of plain segments that stays inside the directory is accepted.
    /// </summary>
    private static string Destination(string root, string title)
    {
        var normalized = title.Replace('\\', '/');
        if (title.Length == 0 || title.Contains('\0', StringComparison.Ordinal) || Path.IsPathRooted(title) || normalized.StartsWith('/')
            || (normalized.Length >= 2 && normalized[1] == ':')
            || normalized.Split('/').Any(s => s is "" or "." or ".."))
        {
            throw new InvalidDataException($"refusing file title '{title}': it must be a relative path inside the target directory (no absolute path, '.', '..' or empty segment)");
        }

        var full = Path.GetFullPath(Path.Combine(root, normalized));
        var prefix = root.EndsWith(Path.DirectorySeparatorChar) ? root : root + Path.DirectorySeparatorChar;
        if (!full.StartsWith(prefix, StringComparison.Ordinal))
        {
            throw new InvalidDataException($"refusing file title '{title}': it resolves outside {root}");
        }

        return full;
    }

    /// <summary>Refuses a target reached through a symbolic link (or that is one): it could resolve outside the directory.</summary>
    private static void CheckNoLinks(string root, string target)
    {
        var path = root;
        foreach (var segment in Path.GetRelativePath(root, target).Split(Path.DirectorySeparatorChar))
        {
            path = Path.Combine(path, segment);
            FileSystemInfo info = Directory.Exists(path) ? new DirectoryInfo(path) : new FileInfo(path);
            if (info.Exists && info.LinkTarget is not null)
            {
                throw new InvalidDataException($"refusing to write '{target}': '{path}' is a symbolic link");
            }
        }
    }

    /// <summary>The registry tag of a version (<c>3</c> or <c>v3</c> becomes <c>v3</c>) or an alias, checked as a tag.</summary>
    public static string ModelTag(string aliasOrVersion)
    {
        ArgumentException.ThrowIfNullOrEmpty(aliasOrVersion);
        var digits = aliasOrVersion.StartsWith('v') || aliasOrVersion.StartsWith('V') ? aliasOrVersion[1..] : aliasOrVersion;
        if (digits.Length > 0 && digits.All(char.IsAsciiDigit))
        {
            return int.TryParse(digits, NumberStyles.None, CultureInfo.InvariantCulture, out var version) && version > 0
                ? string.Create(CultureInfo.InvariantCulture, $"v{version}")
                : throw new ArgumentException($"'{aliasOrVersion}' is not a version number", nameof(aliasOrVersion));
        }

        return TagPattern().IsMatch(aliasOrVersion)
            ? aliasOrVersion
            : throw new ArgumentException($"'{aliasOrVersion}' is neither a version (3, v3) nor an alias", nameof(aliasOrVersion));
    }

    private static string ModelsPath(string project) => $"api/v1/projects/{Segment(project)}/models";

    private static string ModelPath(string project, string name) => $"{ModelsPath(project)}/{Segment(name)}";

    [GeneratedRegex("^[A-Za-z0-9_][A-Za-z0-9._-]{0,127}$")]
    private static partial Regex TagPattern();

    [GeneratedRegex("^[a-z0-9]+(?:[._-][a-z0-9]+)*$")]
    private static partial Regex PathComponent();

    [GeneratedRegex("^sha256:[a-f0-9]{64}$")]
    private static partial Regex Sha256Digest();
}
