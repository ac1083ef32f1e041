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
        group.MapGet("/metrics/get-history", GetMetricHistoryAsync).RequireProjectScope(Scope.TrackingRead, read);
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
        return MlflowResult.Ok(w =>
        {
            if (runs.Count > 0)
            {
                w.WriteStartArray("runs");
                foreach (var run in runs)
                {
                    MlflowJson.Run(w, run);
                }

                w.WriteEndArray();
            }

            if (next is not null)
            {
                w.WriteString("next_page_token", next);
            }
        });
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
        return MlflowResult.Ok(w =>
        {
            if (points.Count > 0)
            {
                w.WriteStartArray("metrics");
                foreach (var p in points)
                {
                    MlflowJson.Metric(w, p.Key, p.IsNan ? double.NaN : p.Value, p.Timestamp, p.Step);
                }

                w.WriteEndArray();
            }

            if (next is not null)
            {
                w.WriteString("next_page_token", next);
            }
        });
    }

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
