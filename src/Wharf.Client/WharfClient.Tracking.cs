using System.Globalization;
using System.Net.Http.Json;
using System.Runtime.CompilerServices;
using System.Text.Json;
using System.Text.Json.Serialization.Metadata;
using Wharf.Client.Tracking;

namespace Wharf.Client;

/// <summary>
/// Experiment tracking through the server's MLflow REST API (<c>/api/2.0/mlflow</c>) and artifact proxy
/// (<c>/api/2.0/mlflow-artifacts</c>). Refusals arrive as <see cref="MlflowApiException"/>.
/// </summary>
public sealed partial class WharfClient
{
    private const string Mlflow = "api/2.0/mlflow/";
    private const string ArtifactProxy = "api/2.0/mlflow-artifacts/artifacts";
    private const string ArtifactScheme = "mlflow-artifacts:";

    /// <summary>Creates an experiment and returns its id.</summary>
    /// <param name="name">
    /// The name. A caller with several writable projects prefixes it with the project, <c>&lt;project&gt;/&lt;name&gt;</c>;
    /// otherwise it goes into the caller's only writable project.
    /// </param>
    /// <param name="tags">Tags to set on it.</param>
    /// <param name="cancellationToken">Cancels the request.</param>
    public async Task<string> CreateExperimentAsync(string name, IReadOnlyList<TrackingTag>? tags = null, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(name);
        var response = await MlflowPostAsync("experiments/create", new CreateExperimentRequest(name, tags),
            MlflowWireJsonContext.Default.CreateExperimentRequest, MlflowWireJsonContext.Default.CreateExperimentResponse, cancellationToken);
        return response.ExperimentId;
    }

    /// <summary>Gets an experiment by id.</summary>
    /// <param name="experimentId">The experiment's id.</param>
    /// <param name="cancellationToken">Cancels the request.</param>
    public async Task<Experiment> GetExperimentAsync(string experimentId, CancellationToken cancellationToken = default)
        => (await MlflowGetAsync($"experiments/get?experiment_id={Segment(experimentId)}", MlflowWireJsonContext.Default.ExperimentResponse, cancellationToken))
            .Experiment;

    /// <summary>Gets an experiment by name; throws <see cref="MlflowApiException"/> with <c>RESOURCE_DOES_NOT_EXIST</c> when there is none.</summary>
    /// <param name="name">The experiment's name.</param>
    /// <param name="cancellationToken">Cancels the request.</param>
    public async Task<Experiment> GetExperimentByNameAsync(string name, CancellationToken cancellationToken = default)
        => (await MlflowGetAsync($"experiments/get-by-name?experiment_name={Segment(name)}", MlflowWireJsonContext.Default.ExperimentResponse, cancellationToken))
            .Experiment;

    /// <summary>Searches the experiments of the projects the caller may read, a page at a time.</summary>
    /// <param name="filter">MLflow's filter on <c>name</c>, <c>creation_time</c>, <c>last_update_time</c> and <c>tags.*</c>; all when null.</param>
    /// <param name="orderBy">Order clauses such as <c>name ASC</c>; the server's default when null.</param>
    /// <param name="maxResults">Page size; the server caps it.</param>
    /// <param name="pageToken">The previous page's <see cref="ExperimentPage.NextPageToken"/>.</param>
    /// <param name="viewType">Active, deleted or both.</param>
    /// <param name="cancellationToken">Cancels the request.</param>
    public Task<ExperimentPage> SearchExperimentsAsync(
        string? filter = null, IReadOnlyList<string>? orderBy = null, int maxResults = 1000, string? pageToken = null,
        ViewType viewType = ViewType.ActiveOnly, CancellationToken cancellationToken = default)
        => MlflowPostAsync("experiments/search", new SearchExperimentsRequest(maxResults, pageToken, filter, orderBy, ViewTypeText(viewType)),
            MlflowWireJsonContext.Default.SearchExperimentsRequest, TrackingJsonContext.Default.ExperimentPage, cancellationToken);

    /// <summary>
    /// Marks an experiment and its runs deleted. They stay restorable (<see cref="RestoreExperimentAsync"/>) and are
    /// listed with <see cref="ViewType.DeletedOnly"/> or <see cref="ViewType.All"/>.
    /// </summary>
    /// <param name="experimentId">The experiment's id.</param>
    /// <param name="cancellationToken">Cancels the request.</param>
    public Task DeleteExperimentAsync(string experimentId, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(experimentId);
        return MlflowPostAsync("experiments/delete", new ExperimentIdRequest(experimentId), MlflowWireJsonContext.Default.ExperimentIdRequest, cancellationToken);
    }

    /// <summary>Restores a deleted experiment.</summary>
    /// <param name="experimentId">The experiment's id.</param>
    /// <param name="cancellationToken">Cancels the request.</param>
    public Task RestoreExperimentAsync(string experimentId, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(experimentId);
        return MlflowPostAsync("experiments/restore", new ExperimentIdRequest(experimentId), MlflowWireJsonContext.Default.ExperimentIdRequest, cancellationToken);
    }

    /// <summary>Renames an experiment; a name another experiment holds is refused with <c>RESOURCE_ALREADY_EXISTS</c>.</summary>
    /// <param name="experimentId">The experiment's id.</param>
    /// <param name="newName">The new name.</param>
    /// <param name="cancellationToken">Cancels the request.</param>
    public Task RenameExperimentAsync(string experimentId, string newName, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(experimentId);
        ArgumentException.ThrowIfNullOrEmpty(newName);
        return MlflowPostAsync("experiments/update", new UpdateExperimentRequest(experimentId, newName), MlflowWireJsonContext.Default.UpdateExperimentRequest, cancellationToken);
    }

    /// <summary>Creates a run in an experiment, in state <c>RUNNING</c>.</summary>
    /// <param name="experimentId">The experiment's id.</param>
    /// <param name="runName">A display name; the server makes one up when null.</param>
    /// <param name="startTime">Start in milliseconds since the Unix epoch; the server's clock when null.</param>
    /// <param name="tags">Tags to set on the run.</param>
    /// <param name="cancellationToken">Cancels the request.</param>
    public async Task<Run> CreateRunAsync(
        string experimentId, string? runName = null, long? startTime = null, IReadOnlyList<TrackingTag>? tags = null, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(experimentId);
        var response = await MlflowPostAsync("runs/create", new CreateRunRequest(experimentId, runName, startTime, tags),
            MlflowWireJsonContext.Default.CreateRunRequest, MlflowWireJsonContext.Default.RunResponse, cancellationToken);
        return response.Run;
    }

    /// <summary>Gets a run with its latest metrics, params and tags.</summary>
    /// <param name="runId">The run's id.</param>
    /// <param name="cancellationToken">Cancels the request.</param>
    public async Task<Run> GetRunAsync(string runId, CancellationToken cancellationToken = default)
        => (await MlflowGetAsync($"runs/get?run_id={Segment(runId)}", MlflowWireJsonContext.Default.RunResponse, cancellationToken)).Run;

    /// <summary>Changes a run's status (forward only), end time or name; null leaves a field unchanged.</summary>
    /// <param name="runId">The run's id.</param>
    /// <param name="status">One of <see cref="RunStatuses"/>.</param>
    /// <param name="endTime">End in milliseconds since the Unix epoch.</param>
    /// <param name="runName">A new display name.</param>
    /// <param name="cancellationToken">Cancels the request.</param>
    public async Task<RunInfo> UpdateRunAsync(
        string runId, string? status = null, long? endTime = null, string? runName = null, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(runId);
        var response = await MlflowPostAsync("runs/update", new UpdateRunRequest(runId, status, endTime, runName),
            MlflowWireJsonContext.Default.UpdateRunRequest, MlflowWireJsonContext.Default.UpdateRunResponse, cancellationToken);
        return response.RunInfo;
    }

    /// <summary>Marks a run deleted; it stays restorable and is listed with <see cref="ViewType.DeletedOnly"/>.</summary>
    /// <param name="runId">The run's id.</param>
    /// <param name="cancellationToken">Cancels the request.</param>
    public Task DeleteRunAsync(string runId, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(runId);
        return MlflowPostAsync("runs/delete", new RunIdRequest(runId), MlflowWireJsonContext.Default.RunIdRequest, cancellationToken);
    }

    /// <summary>Restores a deleted run.</summary>
    /// <param name="runId">The run's id.</param>
    /// <param name="cancellationToken">Cancels the request.</param>
    public Task RestoreRunAsync(string runId, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(runId);
        return MlflowPostAsync("runs/restore", new RunIdRequest(runId), MlflowWireJsonContext.Default.RunIdRequest, cancellationToken);
    }

    /// <summary>Searches runs of some experiments with MLflow's filter grammar, a page at a time.</summary>
    /// <param name="experimentIds">The experiments to search.</param>
    /// <param name="filter">A filter such as <c>metrics.acc &gt; 0.9 and params.lr = '0.01'</c>; all runs when null.</param>
    /// <param name="orderBy">Order clauses such as <c>metrics.acc DESC</c>; newest first when null.</param>
    /// <param name="maxResults">Page size; the server caps it.</param>
    /// <param name="pageToken">The previous page's <see cref="RunPage.NextPageToken"/>.</param>
    /// <param name="viewType">Active, deleted or both.</param>
    /// <param name="cancellationToken">Cancels the request.</param>
    public Task<RunPage> SearchRunsAsync(
        IReadOnlyList<string> experimentIds, string? filter = null, IReadOnlyList<string>? orderBy = null, int maxResults = 1000,
        string? pageToken = null, ViewType viewType = ViewType.ActiveOnly, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(experimentIds);
        return MlflowPostAsync("runs/search", new SearchRunsRequest(experimentIds, filter, orderBy, maxResults, pageToken, ViewTypeText(viewType)),
            MlflowWireJsonContext.Default.SearchRunsRequest, TrackingJsonContext.Default.RunPage, cancellationToken);
    }

    /// <summary>Logs one metric point.</summary>
    /// <param name="runId">The run's id.</param>
    /// <param name="key">The metric's name.</param>
    /// <param name="value">The value; NaN and ±Infinity are allowed.</param>
    /// <param name="step">The training step.</param>
    /// <param name="timestamp">Milliseconds since the Unix epoch; the server's clock when null.</param>
    /// <param name="cancellationToken">Cancels the request.</param>
    public Task LogMetricAsync(string runId, string key, double value, long step = 0, long? timestamp = null, CancellationToken cancellationToken = default)
        => MlflowPostAsync("runs/log-metric", new LogMetricRequest(runId, key, value, timestamp, step),
            MlflowWireJsonContext.Default.LogMetricRequest, cancellationToken);

    /// <summary>Logs a param; logging it again with a different value is refused.</summary>
    /// <param name="runId">The run's id.</param>
    /// <param name="key">The param's name.</param>
    /// <param name="value">The value.</param>
    /// <param name="cancellationToken">Cancels the request.</param>
    public Task LogParamAsync(string runId, string key, string value, CancellationToken cancellationToken = default)
        => MlflowPostAsync("runs/log-parameter", new KeyValueRequest(runId, key, value), MlflowWireJsonContext.Default.KeyValueRequest, cancellationToken);

    /// <summary>Sets a run's tag, replacing its value if it has one.</summary>
    /// <param name="runId">The run's id.</param>
    /// <param name="key">The tag's name.</param>
    /// <param name="value">The value.</param>
    /// <param name="cancellationToken">Cancels the request.</param>
    public Task SetTagAsync(string runId, string key, string value, CancellationToken cancellationToken = default)
        => MlflowPostAsync("runs/set-tag", new KeyValueRequest(runId, key, value), MlflowWireJsonContext.Default.KeyValueRequest, cancellationToken);

    /// <summary>
    /// Logs metrics, params and tags in one request, atomically. MLflow's limits apply: 1,000 metrics, 100 params,
    /// 100 tags, 1,000 items in all.
    /// </summary>
    /// <param name="runId">The run's id.</param>
    /// <param name="metrics">Metric points.</param>
    /// <param name="parameters">Params.</param>
    /// <param name="tags">Tags.</param>
    /// <param name="cancellationToken">Cancels the request.</param>
    public Task LogBatchAsync(
        string runId, IReadOnlyList<Metric>? metrics = null, IReadOnlyList<Param>? parameters = null, IReadOnlyList<TrackingTag>? tags = null,
        CancellationToken cancellationToken = default)
        => MlflowPostAsync("runs/log-batch", new LogBatchRequest(runId, metrics ?? [], parameters ?? [], tags ?? []),
            MlflowWireJsonContext.Default.LogBatchRequest, cancellationToken);

    /// <summary>Gets one page of a metric's history, ordered by step and timestamp.</summary>
    /// <param name="runId">The run's id.</param>
    /// <param name="key">The metric's name.</param>
    /// <param name="maxResults">Page size (the server allows up to 25,000); the server's default when null.</param>
    /// <param name="pageToken">The previous page's <see cref="MetricHistoryPage.NextPageToken"/>.</param>
    /// <param name="cancellationToken">Cancels the request.</param>
    public Task<MetricHistoryPage> GetMetricHistoryAsync(
        string runId, string key, int? maxResults = null, string? pageToken = null, CancellationToken cancellationToken = default)
    {
        var path = $"metrics/get-history?run_id={Segment(runId)}&metric_key={Segment(key)}"
            + (maxResults is { } n ? string.Create(CultureInfo.InvariantCulture, $"&max_results={n}") : string.Empty)
            + Query("page_token", pageToken);
        return MlflowGetAsync(path, TrackingJsonContext.Default.MetricHistoryPage, cancellationToken);
    }

    /// <summary>Every point of a metric's history, fetched a page at a time as it is enumerated (memory stays bounded).</summary>
    /// <param name="runId">The run's id.</param>
    /// <param name="key">The metric's name.</param>
    /// <param name="pageSize">Points per request; the server's default when null.</param>
    /// <param name="cancellationToken">Cancels the requests.</param>
    public async IAsyncEnumerable<Metric> EnumerateMetricHistoryAsync(
        string runId, string key, int? pageSize = null, [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        string? token = null;
        do
        {
            var page = await GetMetricHistoryAsync(runId, key, pageSize, token, cancellationToken);
            foreach (var point in page.Metrics)
            {
                yield return point;
            }

            token = page.NextPageToken;
        }
        while (!string.IsNullOrEmpty(token));
    }

    /// <summary>
    /// Lists a directory of a run's artifacts (one level). Paths in the answer are relative to the run's artifact root.
    /// Costs one extra request to look up the run's artifact root.
    /// </summary>
    /// <param name="runId">The run's id.</param>
    /// <param name="path">A directory under the run's artifact root; the root when null.</param>
    /// <param name="cancellationToken">Cancels the requests.</param>
    public async Task<IReadOnlyList<ArtifactFile>> ListArtifactsAsync(string runId, string? path = null, CancellationToken cancellationToken = default)
    {
        var directory = ArtifactPath(path, allowEmpty: true);
        var root = await ArtifactRootAsync(runId, cancellationToken);
        var listed = directory.Length == 0 ? root : $"{root}/{directory}";
        var response = await MlflowGetAsync($"{ArtifactProxy}?path={Uri.EscapeDataString(listed)}", MlflowWireJsonContext.Default.ArtifactListResponse,
            cancellationToken, absolute: true);

        // MLflow's proxy names each entry by its base name; the SDK answers with paths from the run's root, as
        // MLflow's own client does. Taking the last segment also copes with a server that sends longer paths.
        return [.. response.Files.Select(f =>
        {
            var name = f.Path.TrimEnd('/');
            name = name[(name.LastIndexOf('/') + 1)..];
            return f with { Path = directory.Length == 0 ? name : $"{directory}/{name}" };
        })];
    }

    /// <summary>Uploads <paramref name="content"/> as a run's artifact, streaming it; an existing file at the path is replaced.</summary>
    /// <param name="runId">The run's id.</param>
    /// <param name="path">The destination under the run's artifact root, such as <c>model/weights.bin</c>.</param>
    /// <param name="content">The bytes to upload, read to the end.</param>
    /// <param name="cancellationToken">Cancels the requests.</param>
    public async Task UploadArtifactAsync(string runId, string path, Stream content, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(content);
        var relative = ArtifactPath(path, allowEmpty: false);
        var root = await ArtifactRootAsync(runId, cancellationToken);
        using var body = new StreamContent(content);
        body.Headers.ContentType = new System.Net.Http.Headers.MediaTypeHeaderValue("application/octet-stream");
        using var request = new HttpRequestMessage(HttpMethod.Put, ArtifactUrl(root, relative)) { Content = body };
        using var response = await _http.SendAsync(request, cancellationToken);
        await EnsureMlflowSuccessAsync(response, cancellationToken);
    }

    /// <summary>Downloads a run's artifact into <paramref name="destination"/>, streaming it.</summary>
    /// <param name="runId">The run's id.</param>
    /// <param name="path">The file under the run's artifact root.</param>
    /// <param name="destination">Where the bytes go.</param>
    /// <param name="cancellationToken">Cancels the requests.</param>
    public async Task DownloadArtifactAsync(string runId, string path, Stream destination, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(destination);
        var relative = ArtifactPath(path, allowEmpty: false);
        var root = await ArtifactRootAsync(runId, cancellationToken);
        using var response = await _http.GetAsync(ArtifactUrl(root, relative), HttpCompletionOption.ResponseHeadersRead, cancellationToken);
        await EnsureMlflowSuccessAsync(response, cancellationToken);
        await using var source = await response.Content.ReadAsStreamAsync(cancellationToken);
        await source.CopyToAsync(destination, cancellationToken);
    }

    /// <summary>
    /// The run's artifact root as a proxy path, <c>&lt;experiment&gt;/&lt;run&gt;/artifacts</c>, from its
    /// <c>artifact_uri</c> (<c>mlflow-artifacts:/...</c>, possibly with an authority, <c>mlflow-artifacts://host/...</c>).
    /// </summary>
    private async Task<string> ArtifactRootAsync(string runId, CancellationToken cancellationToken)
    {
        var run = await GetRunAsync(runId, cancellationToken);
        var uri = run.Info.ArtifactUri;
        if (uri is null || !uri.StartsWith(ArtifactScheme, StringComparison.Ordinal))
        {
            throw new NotSupportedException($"run {runId} keeps its artifacts at '{uri}', which the server's artifact proxy does not serve");
        }

        var rest = uri[ArtifactScheme.Length..];
        if (rest.StartsWith("//", StringComparison.Ordinal))
        {
            var slash = rest.IndexOf('/', 2);
            rest = slash < 0 ? string.Empty : rest[slash..];
        }

        return rest.Trim('/');
    }

    private string ArtifactUrl(string root, string relative)
        => $"{ArtifactProxy}/{string.Join('/', $"{root}/{relative}".Split('/').Select(Uri.EscapeDataString))}";

    /// <summary>
    /// A relative artifact path with <c>/</c> separators. <c>.</c> and <c>..</c> segments are refused here because
    /// URL normalisation would resolve them before the server could refuse them.
    /// </summary>
    private static string ArtifactPath(string? path, bool allowEmpty)
    {
        var trimmed = (path ?? string.Empty).Replace('\\', '/').Trim('/');
        if (trimmed.Length == 0)
        {
            return allowEmpty ? string.Empty : throw new ArgumentException("an artifact path is required", nameof(path));
        }

        if (trimmed.Split('/').Any(s => s is "" or "." or ".."))
        {
            throw new ArgumentException($"artifact path '{path}' must not contain empty, '.' or '..' segments", nameof(path));
        }

        return trimmed;
    }

    private static string ViewTypeText(ViewType viewType) => viewType switch
    {
        ViewType.ActiveOnly => "ACTIVE_ONLY",
        ViewType.DeletedOnly => "DELETED_ONLY",
        ViewType.All => "ALL",
        _ => throw new ArgumentOutOfRangeException(nameof(viewType), viewType, "not a view type"),
    };

    private async Task<T> MlflowGetAsync<T>(string path, JsonTypeInfo<T> responseType, CancellationToken cancellationToken, bool absolute = false)
    {
        using var response = await _http.GetAsync(absolute ? path : Mlflow + path, cancellationToken);
        await EnsureMlflowSuccessAsync(response, cancellationToken);
        return await response.Content.ReadFromJsonAsync(responseType, cancellationToken)
            ?? throw new InvalidDataException($"server sent an empty body for {path}");
    }

    private async Task<TResponse> MlflowPostAsync<TRequest, TResponse>(
        string path, TRequest body, JsonTypeInfo<TRequest> requestType, JsonTypeInfo<TResponse> responseType, CancellationToken cancellationToken)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, Mlflow + path) { Content = JsonContent.Create(body, requestType) };
        using var response = await _http.SendAsync(request, cancellationToken);
        await EnsureMlflowSuccessAsync(response, cancellationToken);
        return await response.Content.ReadFromJsonAsync(responseType, cancellationToken)
            ?? throw new InvalidDataException($"server sent an empty body for {path}");
    }

    private async Task MlflowPostAsync<TRequest>(string path, TRequest body, JsonTypeInfo<TRequest> requestType, CancellationToken cancellationToken)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, Mlflow + path) { Content = JsonContent.Create(body, requestType) };
        using var response = await _http.SendAsync(request, cancellationToken);
        await EnsureMlflowSuccessAsync(response, cancellationToken);
    }

    /// <summary>
    /// Throws <see cref="MlflowApiException"/> for MLflow's error body; for anything else (problem details from a
    /// proxy or the auth layer, an HTML page) a <see cref="WharfApiException"/> as the rest of the API does.
    /// </summary>
    private static async Task EnsureMlflowSuccessAsync(HttpResponseMessage response, CancellationToken cancellationToken)
    {
        if (response.IsSuccessStatusCode)
        {
            return;
        }

        ProblemDetailsPayload? problem = null;
        if (response.Content.Headers.ContentType?.MediaType is "application/json" or "application/problem+json")
        {
            // Read once as text: it may be either shape, and error bodies are small.
            var body = await response.Content.ReadAsStringAsync(cancellationToken);
            try
            {
                var error = JsonSerializer.Deserialize(body, TrackingJsonContext.Default.MlflowErrorPayload);
                if (error?.ErrorCode is { Length: > 0 } code)
                {
                    throw new MlflowApiException(response.StatusCode, code, error.Message);
                }

                problem = JsonSerializer.Deserialize(body, WharfJsonContext.Default.ProblemDetailsPayload);
            }
            catch (JsonException)
            {
                // Neither shape; the status code alone has to do.
            }
        }

        throw new WharfApiException(response.StatusCode, problem);
    }
}
