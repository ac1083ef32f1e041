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
    /// through the registry, streams every layer to a temporary file while hashing it, checks its sha256 digest and size,
    /// and only then moves it to <c>&lt;directory&gt;/&lt;title&gt;</c>. Every title is checked before anything is written:
    /// absolute paths, <c>..</c>, and anything that would land outside the directory are refused with
    /// <see cref="InvalidDataException"/>.
    /// </summary>
    /// <param name="project">The project.</param>
    /// <param name="name">The model's name.</param>
    /// <param name="aliasOrVersion">An alias (<c>production</c>) or a version (<c>3</c> or <c>v3</c>).</param>
    /// <param name="directory">Where the files go; created when missing.</param>
    /// <param name="progress">Told as bytes arrive; none when null.</param>
    /// <param name="cancellationToken">Cancels the transfer; a file not completely verified is never left in place.</param>
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

        Directory.CreateDirectory(root);
        var total = layers.Sum(l => l.Size);
        long done = 0;
        foreach (var (layer, target) in targets)
        {
            CheckNoLinks(root, target);
            Directory.CreateDirectory(Path.GetDirectoryName(target)!);
            var partial = Path.Combine(root, $".wharf-pull-{Guid.NewGuid():N}.partial");
            try
            {
                await DownloadBlobAsync(repository, layer, partial, bytes =>
                {
                    done += bytes;
                    progress?.Report(new ModelPullProgress(layer.Path, done, total));
                }, cancellationToken);
                File.Move(partial, target, overwrite: true);
            }
            finally
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
                var title = layer.TryGetProperty("annotations", out var annotations) && annotations.ValueKind == JsonValueKind.Object
                    && annotations.TryGetProperty(TitleAnnotation, out var t) && t.ValueKind == JsonValueKind.String ? t.GetString()! : null;
                if (title is null)
                {
                    throw new InvalidDataException($"a layer of {repository}:{tag} has no {TitleAnnotation} annotation");
                }

                if (!Sha256Digest().IsMatch(layerDigest) || size < 0)
                {
                    throw new InvalidDataException($"layer '{title}' of {repository}:{tag} has an invalid digest or size");
                }

                layers.Add(new ModelFileInfo(title, layerDigest, size));
            }
        }
        catch (Exception ex) when (ex is JsonException or KeyNotFoundException or InvalidOperationException or FormatException)
        {
            throw new InvalidDataException($"the manifest of {repository}:{tag} is not a valid model manifest: {ex.Message}", ex);
        }

        return (digest, layers);
    }

    private async Task DownloadBlobAsync(string repository, ModelFileInfo layer, string partial, Action<int> received, CancellationToken cancellationToken)
    {
        using var response = await _http.GetAsync($"v2/{repository}/blobs/{layer.Digest}", HttpCompletionOption.ResponseHeadersRead, cancellationToken);
        if (!response.IsSuccessStatusCode)
        {
            throw new WharfApiException(response.StatusCode, new ProblemDetailsPayload(null, null, (int)response.StatusCode,
                $"the registry refused the blob {layer.Digest} of '{layer.Path}'", null));
        }

        using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        long size = 0;
        await using (var source = await response.Content.ReadAsStreamAsync(cancellationToken))
        await using (var file = new FileStream(partial, FileMode.CreateNew, FileAccess.Write, FileShare.None, 81920, useAsync: true))
        {
            var buffer = new byte[81920];
            int read;
            while ((read = await source.ReadAsync(buffer, cancellationToken)) > 0)
            {
                size += read;
                if (size > layer.Size)
                {
                    throw new InvalidDataException($"'{layer.Path}' is longer than the {layer.Size} bytes its manifest says");
                }

                hash.AppendData(buffer, 0, read);
                await file.WriteAsync(buffer.AsMemory(0, read), cancellationToken);
                received(read);
            }

            await file.FlushAsync(cancellationToken);
        }

        var actual = "sha256:" + Convert.ToHexStringLower(hash.GetHashAndReset());
        if (size != layer.Size || actual != layer.Digest)
        {
            throw new InvalidDataException($"'{layer.Path}' does not match its digest: expected {layer.Digest} ({layer.Size} bytes), got {actual} ({size} bytes)");
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
