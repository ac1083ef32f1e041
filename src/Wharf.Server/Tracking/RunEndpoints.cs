using Microsoft.EntityFrameworkCore;
using Wharf.Server.Auth;
using Wharf.Server.Data;

namespace Wharf.Server.Tracking;

/// <summary>MLflow's run endpoints (service.proto: CreateRun ... GetMetricHistory).</summary>
internal static class RunEndpoints
{
    /// <summary>Points per get-history page when the client names no max_results; also the largest page.</summary>
    public const int HistoryPageSize = 25_000;

    public static RouteGroupBuilder MapRuns(this RouteGroupBuilder group)
    {
        var read = TrackingLocators.Run();
        group.MapPost("/runs/create", CreateAsync).RequireProjectScope(Scope.TrackingWrite, TrackingLocators.Experiment(Scope.TrackingWrite));
        group.MapGet("/runs/get", GetAsync).RequireProjectScope(Scope.TrackingRead, read);
        group.MapPost("/runs/update", UpdateAsync).RequireProjectScope(Scope.TrackingWrite, read);
        group.MapPost("/runs/delete", DeleteAsync).RequireProjectScope(Scope.TrackingWrite, read);
        group.MapPost("/runs/restore", RestoreAsync).RequireProjectScope(Scope.TrackingWrite, read);
        group.MapPost("/runs/search", SearchAsync).RequireSignedIn();
        group.MapPost("/runs/log-metric", LogMetricAsync).RequireProjectScope(Scope.TrackingWrite, read);
        group.MapPost("/runs/log-parameter", LogParameterAsync).RequireProjectScope(Scope.TrackingWrite, read);
        group.MapPost("/runs/set-tag", SetTagAsync).RequireProjectScope(Scope.TrackingWrite, read);
        group.MapPost("/runs/delete-tag", DeleteTagAsync).RequireProjectScope(Scope.TrackingWrite, read);
        group.MapPost("/runs/log-batch", LogBatchAsync).RequireProjectScope(Scope.TrackingWrite, read);
        group.MapPost("/runs/log-inputs", LogInputsAsync).RequireProjectScope(Scope.TrackingWrite, read);
        group.MapGet("/metrics/get-history", GetMetricHistoryAsync).RequireProjectScope(Scope.TrackingRead, read);
        group.MapGet("/metrics/get-history-bulk-interval", GetMetricHistoryBulkIntervalAsync).RequireSignedIn();
        return group;
    }

    internal static async Task<IResult> CreateAsync(HttpContext context, TrackingStore store, CancellationToken cancellationToken)
    {
        var request = await MlflowRequest.ReadAsync(context, cancellationToken);
        var experimentId = await ExperimentEndpoints.ExperimentIdAsync(context, request, store, Scope.TrackingWrite, cancellationToken);
        var tags = ExperimentEndpoints.Pairs(request, "tags", "tag");
        var run = await store.CreateRunAsync(
            experimentId, request.String("user_id"), request.String("run_name"), request.Long("start_time"), tags, cancellationToken);
        return RunResult(run);
    }

    internal static async Task<IResult> GetAsync(HttpContext context, TrackingStore store, CancellationToken cancellationToken)
    {
        var request = await MlflowRequest.ReadAsync(context, cancellationToken);
        return RunResult(await store.GetRunAsync(request.RequireRunId(), cancellationToken));
    }

    internal static async Task<IResult> UpdateAsync(HttpContext context, TrackingStore store, CancellationToken cancellationToken)
    {
        var request = await MlflowRequest.ReadAsync(context, cancellationToken);
        var statusText = request.String("status");
        var status = RunStatus.Parse(statusText);
        if (statusText is not null && status is null)
        {
            throw MlflowException.Invalid($"Invalid run status '{MlflowRequest.Clip(statusText)}': use RUNNING, SCHEDULED, FINISHED, FAILED or KILLED.");
        }

        var run = await store.UpdateRunAsync(request.RequireRunId(), status, request.Long("end_time"), request.String("run_name"), cancellationToken);
        return MlflowResult.Ok(w =>
        {
            w.WritePropertyName("run_info");
            MlflowJson.RunInfo(w, run);
        });
    }

    internal static async Task<IResult> DeleteAsync(HttpContext context, TrackingStore store, CancellationToken cancellationToken)
    {
        var request = await MlflowRequest.ReadAsync(context, cancellationToken);
        await store.SetRunStageAsync(request.RequireRunId(), LifecycleStage.Deleted, cancellationToken);
        return MlflowResult.Empty;
    }

    internal static async Task<IResult> RestoreAsync(HttpContext context, TrackingStore store, CancellationToken cancellationToken)
    {
        var request = await MlflowRequest.ReadAsync(context, cancellationToken);
        await store.SetRunStageAsync(request.RequireRunId(), LifecycleStage.Active, cancellationToken);
        return MlflowResult.Empty;
    }

    internal static async Task<IResult> LogMetricAsync(HttpContext context, TrackingStore store, TimeProvider time, CancellationToken cancellationToken)
    {
        var request = await MlflowRequest.ReadAsync(context, cancellationToken);
        var runId = request.RequireRunId();
        var point = Metric(request.String("key"), request.String("value"), request.String("timestamp"), request.String("step"), time);
        await store.LogBatchAsync(runId, [point], [], [], cancellationToken);
        return MlflowResult.Empty;
    }

    internal static async Task<IResult> LogParameterAsync(HttpContext context, TrackingStore store, CancellationToken cancellationToken)
    {
        var request = await MlflowRequest.ReadAsync(context, cancellationToken);
        var runId = request.RequireRunId();
        var key = TrackingValidation.Key(request.String("key"), "param");
        var value = TrackingValidation.Value(request.String("value"), RunParam.MaxValueLength, "param", key);
        await store.LogBatchAsync(runId, [], [(key, value)], [], cancellationToken);
        return MlflowResult.Empty;
    }

    internal static async Task<IResult> SetTagAsync(HttpContext context, TrackingStore store, CancellationToken cancellationToken)
    {
        var request = await MlflowRequest.ReadAsync(context, cancellationToken);
        var runId = request.RequireRunId();
        var key = TrackingValidation.Key(request.String("key"), "tag");
        var value = TrackingValidation.Value(request.String("value"), RunTag.MaxValueLength, "tag", key);
        await store.LogBatchAsync(runId, [], [], [(key, value)], cancellationToken);
        return MlflowResult.Empty;
    }

    internal static async Task<IResult> DeleteTagAsync(HttpContext context, TrackingStore store, CancellationToken cancellationToken)
    {
        var request = await MlflowRequest.ReadAsync(context, cancellationToken);
        await store.DeleteRunTagAsync(request.RequireRunId(), TrackingValidation.Key(request.String("key"), "tag"), cancellationToken);
        return MlflowResult.Empty;
    }

    internal static async Task<IResult> LogBatchAsync(HttpContext context, TrackingStore store, TimeProvider time, CancellationToken cancellationToken)
    {
        var request = await MlflowRequest.ReadAsync(context, cancellationToken);
        if (request.BodyLength > TrackingValidation.MaxBatchBytes)
        {
            throw MlflowException.Invalid(
                $"A batch logging request can be at most {TrackingValidation.MaxBatchBytes} bytes. Got {request.BodyLength} bytes.");
        }

        var runId = request.RequireRunId();
        var metrics = request.Objects("metrics");
        var parameters = request.Objects("params");
        var tags = request.Objects("tags");
        CheckLimit(metrics.Count, TrackingValidation.MaxMetricsPerBatch, "metrics");
        CheckLimit(parameters.Count, TrackingValidation.MaxParamsPerBatch, "params");
        CheckLimit(tags.Count, TrackingValidation.MaxTagsPerBatch, "tags");
        var total = metrics.Count + parameters.Count + tags.Count;
        if (total > TrackingValidation.MaxItemsPerBatch)
        {
            throw MlflowException.Invalid(
                $"A batch logging request can contain at most {TrackingValidation.MaxItemsPerBatch} metrics, params and tags in total. Got {total}.");
        }

        List<MetricPoint> points = [.. metrics.Select(m => Metric(
            MlflowRequest.Field(m, "key"), MlflowRequest.Field(m, "value"), MlflowRequest.Field(m, "timestamp"), MlflowRequest.Field(m, "step"), time))];
        await store.LogBatchAsync(
            runId, points, ExperimentEndpoints.Pairs(request, "params", "param"), ExperimentEndpoints.Pairs(request, "tags", "tag"), cancellationToken);
        return MlflowResult.Empty;
    }

    internal static async Task<IResult> SearchAsync(HttpContext context, TrackingStore store, WharfDbContext db, CancellationToken cancellationToken)
    {
        var request = await MlflowRequest.ReadAsync(context, cancellationToken);
        var maxResults = TrackingValidation.MaxResults(request.Int("max_results"));
        var filter = SearchFilterParser.ParseRunFilter(request.String("filter"));
        var orderBy = SearchFilterParser.ParseRunOrderBy(request.Strings("order_by"));
        var viewType = ViewTypes.Parse(request.String("run_view_type"), "run_view_type");
        var caller = Caller.Get(context);

        var ids = new List<long>();
        foreach (var id in request.Strings("experiment_ids").Distinct(StringComparer.Ordinal))
        {
            if (id == TrackingAccess.DefaultExperimentAlias)
            {
                if (await ExperimentEndpoints.DefaultExperimentIdAsync(context, store, Scope.TrackingRead, cancellationToken) is { } defaultId)
                {
                    ids.Add(defaultId);
                }
            }
            else if (TrackingStore.TryParseId(id) is { } parsed)
            {
                ids.Add(parsed);
            }
        }

        if (ids.Count > 1000)
        {
            throw MlflowException.Invalid("runs/search takes at most 1000 experiment ids.");
        }

        // Experiments of projects the caller cannot read are refused by name, like every other call on them.
        var readable = await TrackingAccess.ReadableProjectIdsAsync(db, caller, cancellationToken);
        if (readable is not null)
        {
            var denied = await (
                from e in db.Experiments
                join p in db.Projects on e.ProjectId equals p.Id
                where ids.Contains(e.Id) && !readable.Contains(e.ProjectId)
                select p.Name).FirstOrDefaultAsync(cancellationToken);
            if (denied is not null)
            {
                throw MlflowException.Denied($"needs tracking:read on project '{denied}'");
            }
        }

        var (runs, next) = await store.SearchRunsAsync(ids, filter, orderBy, viewType, maxResults, request.String("page_token"), cancellationToken);
        return MlflowResult.Page("runs", runs, next, MlflowJson.Run);
    }

    internal static async Task<IResult> GetMetricHistoryAsync(HttpContext context, TrackingStore store, CancellationToken cancellationToken)
    {
        var request = await MlflowRequest.ReadAsync(context, cancellationToken);
        var runId = request.RequireRunId();
        var key = request.RequireString("metric_key");
        var maxResults = request.Int("max_results") ?? HistoryPageSize;
        if (maxResults is < 1 or > HistoryPageSize)
        {
            throw MlflowException.Invalid($"Invalid value {maxResults} for parameter 'max_results': it must be between 1 and {HistoryPageSize}.");
        }

        var (points, next) = await store.GetMetricHistoryAsync(runId, key, maxResults, request.String("page_token"), cancellationToken);
        return MlflowResult.Page("metrics", points, next, (w, p) => MlflowJson.Metric(w, p.Key, p.IsNan ? double.NaN : p.Value, p.Timestamp, p.Step));
    }

    internal static async Task<IResult> LogInputsAsync(HttpContext context, TrackingStore store, CancellationToken cancellationToken)
    {
        var request = await MlflowRequest.ReadAsync(context, cancellationToken);
        var runId = request.RequireRunId();
        var datasets = request.Objects("datasets");
        if (datasets.Count > TrackingValidation.MaxDatasetInputsPerRequest)
        {
            throw MlflowException.Invalid($"log-inputs takes at most {TrackingValidation.MaxDatasetInputsPerRequest} datasets. Got {datasets.Count}.");
        }

        List<DatasetInputView> inputs = [.. datasets.Select(DatasetInput)];
        await store.LogInputsAsync(runId, inputs, cancellationToken);
        return MlflowResult.Empty;
    }

    /// <summary>
    /// Metric points of several runs at evenly sampled steps, for charts (MLflow's GetMetricHistoryBulkInterval). Each
    /// run is authorized like runs/get: tracking:read on the project of the stored run; a run that does not exist is
    /// RESOURCE_DOES_NOT_EXIST.
    /// </summary>
    internal static async Task<IResult> GetMetricHistoryBulkIntervalAsync(HttpContext context, TrackingStore store, WharfDbContext db, CancellationToken cancellationToken)
    {
        var request = await MlflowRequest.ReadAsync(context, cancellationToken);
        var runIds = request.Strings("run_ids").Distinct(StringComparer.Ordinal).ToList();
        var key = request.RequireString("metric_key");
        if (runIds.Count == 0)
        {
            throw MlflowRequest.Missing("run_ids");
        }

        if (runIds.Count > TrackingStore.MaxBulkIntervalRuns)
        {
            throw MlflowException.Invalid($"GetMetricHistoryBulkInterval takes at most {TrackingStore.MaxBulkIntervalRuns} run ids. Got {runIds.Count}.");
        }

        var maxResults = request.Int("max_results") ?? TrackingStore.MaxBulkIntervalResults;
        if (maxResults is < 1 or > TrackingStore.MaxBulkIntervalResults)
        {
            throw MlflowException.Invalid($"Invalid value {maxResults} for parameter 'max_results': it must be between 1 and {TrackingStore.MaxBulkIntervalResults}.");
        }

        var (start, end) = (request.Long("start_step"), request.Long("end_step"));
        if ((start is null) != (end is null))
        {
            throw MlflowException.Invalid("If either start step or end step are specified, both must be specified.");
        }

        if (start > end)
        {
            throw MlflowException.Invalid($"end_step ({end}) must be greater than or equal to start_step ({start}).");
        }

        foreach (var id in runIds)
        {
            if (!RunIds.IsValid(id))
            {
                throw MlflowException.NotFound($"Run with id={MlflowRequest.Clip(id)} not found");
            }
        }

        // Authorize every run from its stored project, as the locator of runs/get does for one run.
        var caller = Caller.Get(context);
        var stored = await (
            from r in db.Runs
            join e in db.Experiments on r.ExperimentId equals e.Id
            join p in db.Projects on e.ProjectId equals p.Id
            where runIds.Contains(r.RunUuid)
            select new { r.RunUuid, Project = p.Name }).ToListAsync(cancellationToken);
        if (runIds.FirstOrDefault(id => stored.All(s => s.RunUuid != id)) is { } missing)
        {
            throw MlflowException.NotFound($"Run with id={missing} not found");
        }

        if (stored.FirstOrDefault(s => (caller.ScopesIn(s.Project) & Scope.TrackingRead) != Scope.TrackingRead) is { } denied)
        {
            throw MlflowException.Denied($"needs tracking:read on project '{denied.Project}'");
        }

        var points = await store.GetMetricHistoryBulkIntervalAsync(runIds, key, start, end, maxResults, cancellationToken);
        return MlflowResult.Ok(w =>
        {
            if (points.Count > 0)
            {
                w.WriteStartArray("metrics");
                foreach (var (runId, p) in points)
                {
                    MlflowJson.Metric(w, p.Key, p.IsNan ? double.NaN : p.Value, p.Timestamp, p.Step, runId);
                }

                w.WriteEndArray();
            }
        });
    }

    private static DatasetInputView DatasetInput(System.Text.Json.JsonElement input)
    {
        if (!input.TryGetProperty("dataset", out var dataset) || dataset.ValueKind != System.Text.Json.JsonValueKind.Object)
        {
            throw MlflowRequest.Missing("dataset");
        }

        string Required(string name, int max) => Limit(MlflowRequest.Field(dataset, name) is { Length: > 0 } value ? value : throw MlflowRequest.Missing($"dataset.{name}"), max, $"dataset.{name}");
        string? Optional(string name, int max) => MlflowRequest.Field(dataset, name) is { } value ? Limit(value, max, $"dataset.{name}") : null;

        var row = new RunDatasetInput
        {
            RunUuid = "",
            Name = Required("name", RunDatasetInput.MaxNameLength),
            Digest = Required("digest", RunDatasetInput.MaxDigestLength),
            SourceType = Required("source_type", RunDatasetInput.MaxSourceTypeLength),
            Source = Required("source", RunDatasetInput.MaxSourceLength),
            Schema = Optional("schema", RunDatasetInput.MaxSchemaLength),
            Profile = Optional("profile", RunDatasetInput.MaxProfileLength),
        };

        var tags = new List<RunDatasetInputTag>();
        if (input.TryGetProperty("tags", out var tagList) && tagList.ValueKind != System.Text.Json.JsonValueKind.Null)
        {
            if (tagList.ValueKind != System.Text.Json.JsonValueKind.Array || tagList.EnumerateArray().Any(t => t.ValueKind != System.Text.Json.JsonValueKind.Object))
            {
                throw MlflowException.Invalid("Parameter 'tags' of a dataset input must be a list of objects.");
            }

            foreach (var tag in tagList.EnumerateArray())
            {
                var tagKey = MlflowRequest.Field(tag, "key") is { Length: > 0 } k ? Limit(k, RunDatasetInputTag.MaxKeyLength, "input tag key") : throw MlflowRequest.Missing("tags.key");
                var tagValue = MlflowRequest.Field(tag, "value") is { } v ? Limit(v, RunDatasetInputTag.MaxValueLength, $"input tag '{tagKey}'") : throw MlflowRequest.Missing("tags.value");
                tags.Add(new RunDatasetInputTag { Key = tagKey, Value = tagValue });
            }
        }

        return new DatasetInputView(row, tags);
    }

    private static string Limit(string value, int max, string what) =>
        value.Length <= max ? value : throw MlflowException.Invalid($"'{what}' is longer than {max} characters ({value.Length}).");

    private static MetricPoint Metric(string? key, string? value, string? timestamp, string? step, TimeProvider time) => new(
        TrackingValidation.Key(key, "metric"),
        MlflowRequest.ParseDouble(value, "value"),
        MlflowRequest.ParseLong(timestamp, "timestamp") ?? time.GetUtcNow().ToUnixTimeMilliseconds(),
        MlflowRequest.ParseLong(step, "step") ?? 0);

    private static void CheckLimit(int count, int limit, string what)
    {
        if (count > limit)
        {
            throw MlflowException.Invalid($"A batch logging request can contain at most {limit} {what}. Got {count} {what}.");
        }
    }

    private static MlflowResult RunResult(RunView run) => MlflowResult.Ok(w =>
    {
        w.WritePropertyName("run");
        MlflowJson.Run(w, run);
    });

}
