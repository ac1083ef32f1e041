using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Storage;
using Wharf.Server.Data;

namespace Wharf.Server.Tracking;

/// <summary>
/// Experiments and runs in the database. Callers have authorized the request already (against the stored object's
/// project); the store enforces MLflow's semantics: unique experiment names per project, runs that move forward
/// only, immutable params, full metric history plus the latest point per (run, key).
/// </summary>
internal sealed partial class TrackingStore(WharfDbContext db, TimeProvider time, ILogger<TrackingStore> logger)
{
    public const string RunNameTag = "mlflow.runName";
    public const string UserTag = "mlflow.user";

    private const int RunDataChunk = 1000;

    private long Now => time.GetUtcNow().ToUnixTimeMilliseconds();

    // ---- experiments ----

    public async Task<long> CreateExperimentAsync(string projectName, string name, IReadOnlyList<(string Key, string Value)> tags, CancellationToken cancellationToken = default)
    {
        var projectId = await db.Projects.Where(p => p.Name == projectName).Select(p => (long?)p.Id).FirstOrDefaultAsync(cancellationToken)
            ?? throw MlflowException.NotFound($"Project '{projectName}' does not exist.");
        if (await db.Experiments.AnyAsync(e => e.ProjectId == projectId && e.Name == name, cancellationToken))
        {
            throw MlflowException.Exists($"Experiment '{name}' already exists.");
        }

        var now = Now;
        var experiment = new Experiment { ProjectId = projectId, Name = name, CreationTime = now, LastUpdateTime = now };
        await using var transaction = await db.Database.BeginTransactionAsync(cancellationToken);
        db.Experiments.Add(experiment);
        try
        {
            await db.SaveChangesAsync(cancellationToken);
        }
        catch (DbUpdateException)
        {
            // Lost a race for the name: the unique index said no.
            await transaction.RollbackAsync(cancellationToken);
            db.ChangeTracker.Clear();
            if (await db.Experiments.AnyAsync(e => e.ProjectId == projectId && e.Name == name, cancellationToken))
            {
                throw MlflowException.Exists($"Experiment '{name}' already exists.");
            }

            throw;
        }

        // The server assigns every artifact location; it needs the id, so it is set once the row exists.
        experiment.ArtifactLocation = $"mlflow-artifacts:/{experiment.Id}";
        foreach (var (key, value) in tags.DistinctBy(t => t.Key, StringComparer.Ordinal))
        {
            db.ExperimentTags.Add(new ExperimentTag { ExperimentId = experiment.Id, Key = key, Value = value });
        }

        await db.SaveChangesAsync(cancellationToken);
        await transaction.CommitAsync(cancellationToken);
        db.ChangeTracker.Clear();
        Log.ExperimentCreated(logger, experiment.Id, name, projectName);
        return experiment.Id;
    }

    /// <summary>The id of the project's "Default" experiment, created on first use (experiment id alias 0).</summary>
    public async Task<long> DefaultExperimentIdAsync(string projectName, CancellationToken cancellationToken = default)
    {
        if (await FindDefaultExperimentIdAsync(projectName, cancellationToken) is { } id)
        {
            return id;
        }

        try
        {
            return await CreateExperimentAsync(projectName, TrackingAccess.DefaultExperimentName, [], cancellationToken);
        }
        catch (MlflowException ex) when (ex.ErrorCode == MlflowErrorCode.ResourceAlreadyExists)
        {
            // Created by a concurrent first use.
            return await DefaultExperimentIdAsync(projectName, cancellationToken);
        }
    }

    /// <summary>The id of the project's "Default" experiment, or null when it has not been used yet.</summary>
    public Task<long?> FindDefaultExperimentIdAsync(string projectName, CancellationToken cancellationToken = default) => (
        from e in db.Experiments
        join p in db.Projects on e.ProjectId equals p.Id
        where p.Name == projectName && e.Name == TrackingAccess.DefaultExperimentName
        select (long?)e.Id).FirstOrDefaultAsync(cancellationToken);

    public async Task<ExperimentView?> FindExperimentAsync(long id, CancellationToken cancellationToken = default)
    {
        var experiment = await db.Experiments.AsNoTracking().FirstOrDefaultAsync(e => e.Id == id, cancellationToken);
        return experiment is null ? null : new ExperimentView(experiment, await ExperimentTagsAsync(id, cancellationToken));
    }

    public async Task<ExperimentView> GetExperimentAsync(string? id, CancellationToken cancellationToken = default) =>
        TryParseId(id) is { } parsed && await FindExperimentAsync(parsed, cancellationToken) is { } view
            ? view
            : throw MlflowException.NotFound($"No Experiment with id={MlflowRequest.Clip(id ?? "")} exists");

    /// <summary>Experiments named <paramref name="name"/> in the given projects (null: all).</summary>
    public async Task<List<(ExperimentView View, string Project)>> FindExperimentsByNameAsync(string name, List<long>? projectIds, CancellationToken cancellationToken = default)
    {
        var rows = await (
            from e in db.Experiments.AsNoTracking()
            join p in db.Projects on e.ProjectId equals p.Id
            where e.Name == name && (projectIds == null || projectIds.Contains(e.ProjectId))
            orderby e.Id
            select new { Experiment = e, Project = p.Name }).Take(20).ToListAsync(cancellationToken);
        var result = new List<(ExperimentView, string)>(rows.Count);
        foreach (var row in rows)
        {
            result.Add((new ExperimentView(row.Experiment, await ExperimentTagsAsync(row.Experiment.Id, cancellationToken)), row.Project));
        }

        return result;
    }

    public async Task RenameExperimentAsync(long id, string newName, CancellationToken cancellationToken = default)
    {
        var experiment = await TrackedExperimentAsync(id, cancellationToken);
        if (experiment.LifecycleStage != LifecycleStage.Active)
        {
            throw MlflowException.Invalid("Cannot rename a non-active experiment.");
        }

        if (experiment.Name == newName)
        {
            return;
        }

        if (await db.Experiments.AnyAsync(e => e.ProjectId == experiment.ProjectId && e.Name == newName, cancellationToken))
        {
            throw MlflowException.Exists($"Experiment '{newName}' already exists.");
        }

        experiment.Name = newName;
        experiment.LastUpdateTime = Now;
        await db.SaveChangesAsync(cancellationToken);
    }

    /// <summary>Deletes or restores an experiment and, as MLflow does, its runs.</summary>
    public async Task SetExperimentStageAsync(long id, string stage, CancellationToken cancellationToken = default)
    {
        var experiment = await TrackedExperimentAsync(id, cancellationToken);
        if (experiment.LifecycleStage == stage)
        {
            throw MlflowException.Invalid($"Experiment {id} is already {stage}.");
        }

        var now = Now;
        await using var transaction = await db.Database.BeginTransactionAsync(cancellationToken);
        experiment.LifecycleStage = stage;
        experiment.LastUpdateTime = now;
        await db.SaveChangesAsync(cancellationToken);
        long? deletedTime = stage == LifecycleStage.Deleted ? now : null;
        await db.Runs.Where(r => r.ExperimentId == id).ExecuteUpdateAsync(
            s => s.SetProperty(r => r.LifecycleStage, stage).SetProperty(r => r.DeletedTime, deletedTime), cancellationToken);
        await transaction.CommitAsync(cancellationToken);
    }

    public async Task SetExperimentTagAsync(long id, string key, string value, CancellationToken cancellationToken = default)
    {
        var experiment = await TrackedExperimentAsync(id, cancellationToken);
        if (experiment.LifecycleStage != LifecycleStage.Active)
        {
            throw MlflowException.Invalid($"The experiment {id} must be in the 'active' state.");
        }

        await db.Database.ExecuteSqlAsync(
            $"""INSERT INTO "tracking_experiment_tags" ("experiment_id", "key", "value") VALUES ({id}, {key}, {value}) ON CONFLICT ("experiment_id", "key") DO UPDATE SET "value" = excluded."value" """,
            cancellationToken);
    }

    private async Task<Experiment> TrackedExperimentAsync(long id, CancellationToken cancellationToken) =>
        await db.Experiments.FirstOrDefaultAsync(e => e.Id == id, cancellationToken)
        ?? throw MlflowException.NotFound($"No Experiment with id={id} exists");

    private Task<List<ExperimentTag>> ExperimentTagsAsync(long id, CancellationToken cancellationToken) =>
        db.ExperimentTags.AsNoTracking().Where(t => t.ExperimentId == id).OrderBy(t => t.Key).ToListAsync(cancellationToken);

    public static long? TryParseId(string? id) =>
        long.TryParse(id, System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var value) ? value : null;

    // ---- runs ----

    public async Task<RunView> CreateRunAsync(
        long experimentId, string? userId, string? runName, long? startTime, IReadOnlyList<(string Key, string Value)> tags, CancellationToken cancellationToken = default)
    {
        var experiment = await db.Experiments.AsNoTracking().FirstOrDefaultAsync(e => e.Id == experimentId, cancellationToken)
            ?? throw MlflowException.NotFound($"No Experiment with id={experimentId} exists");
        if (experiment.LifecycleStage != LifecycleStage.Active)
        {
            throw MlflowException.Invalid($"The experiment {experimentId} must be in the 'active' state. Current state is {experiment.LifecycleStage}.");
        }

        var tagList = tags.GroupBy(t => t.Key, StringComparer.Ordinal).Select(g => g.Last()).ToList();
        var nameTag = tagList.FirstOrDefault(t => t.Key == RunNameTag).Value;
        if (runName is { Length: > 0 } && nameTag is not null && nameTag != runName)
        {
            throw MlflowException.Invalid($"Both 'run_name' ('{runName}') and the tag '{RunNameTag}' ('{nameTag}') were given, and they differ.");
        }

        var name = runName is { Length: > 0 } ? runName : nameTag ?? RunNames.New();
        if (name.Length > Run.MaxNameLength)
        {
            throw MlflowException.Invalid($"The run name is longer than {Run.MaxNameLength} characters.");
        }

        var user = userId ?? tagList.FirstOrDefault(t => t.Key == UserTag).Value ?? "";
        var id = RunIds.New();
        var run = new Run
        {
            RunUuid = id,
            ExperimentId = experimentId,
            Name = name,
            StartTime = startTime ?? Now,
            UserId = user.Length <= 256 ? user : user[..256],
            ArtifactUri = $"mlflow-artifacts:/{experimentId}/{id}/artifacts",
        };
        db.Runs.Add(run);
        tagList.RemoveAll(t => t.Key == RunNameTag);
        tagList.Add((RunNameTag, name));
        foreach (var (key, value) in tagList)
        {
            db.RunTags.Add(new RunTag { RunUuid = id, ExperimentId = experimentId, Key = key, Value = value });
        }

        await db.SaveChangesAsync(cancellationToken);
        db.ChangeTracker.Clear();
        TrackingMetrics.RunCreated();
        return await GetRunAsync(id, cancellationToken);
    }

    public async Task<RunView> GetRunAsync(string runId, CancellationToken cancellationToken = default)
    {
        var run = await FindRunAsync(runId, cancellationToken);
        var data = await RunDataAsync([run.RunUuid], cancellationToken);
        return data[0] with { Run = run, Inputs = await DatasetInputsAsync(run.RunUuid, cancellationToken) };
    }

    public async Task<Run> UpdateRunAsync(string runId, string? status, long? endTime, string? runName, CancellationToken cancellationToken = default)
    {
        var run = await ActiveRunAsync(runId, tracked: true, cancellationToken);
        if (status is not null)
        {
            if (!RunStatus.CanMove(run.Status, status))
            {
                throw MlflowException.Invalid($"Run {runId} is {run.Status}; it cannot move to {status} (run states only move forward).");
            }

            if (RunStatus.IsTerminal(status) && run.EndTime is null)
            {
                run.EndTime = endTime ?? Now;
            }

            run.Status = status;
        }

        if (endTime is not null)
        {
            run.EndTime = endTime;
        }

        await using var transaction = await db.Database.BeginTransactionAsync(cancellationToken);
        if (runName is { Length: > 0 } && runName != run.Name)
        {
            if (runName.Length > Run.MaxNameLength)
            {
                throw MlflowException.Invalid($"The run name is longer than {Run.MaxNameLength} characters.");
            }

            run.Name = runName;
            await UpsertRunTagAsync(run, RunNameTag, runName, cancellationToken);
        }

        await db.SaveChangesAsync(cancellationToken);
        await transaction.CommitAsync(cancellationToken);
        return run;
    }

    public async Task SetRunStageAsync(string runId, string stage, CancellationToken cancellationToken = default)
    {
        var run = await FindRunAsync(runId, cancellationToken, tracked: true);
        run.LifecycleStage = stage;
        run.DeletedTime = stage == LifecycleStage.Deleted ? Now : null;
        await db.SaveChangesAsync(cancellationToken);
    }

    /// <summary>
    /// Logs metrics, params and tags to an active run in one transaction: all of it or none. Params may be logged
    /// again with the same value; a different value is refused. Tags are replaced.
    /// </summary>
    public async Task LogBatchAsync(
        string runId, IReadOnlyList<MetricPoint> metrics, IReadOnlyList<(string Key, string Value)> parameters, IReadOnlyList<(string Key, string Value)> tags,
        CancellationToken cancellationToken = default)
    {
        var run = await ActiveRunAsync(runId, tracked: false, cancellationToken);
        var newParams = await NewParamsAsync(run.RunUuid, parameters, cancellationToken);

        // Rows are locked in one order (params, tags, metrics; keys in ordinal order within each), so concurrent
        // batches on one run wait for each other on PostgreSQL instead of deadlocking.
        await using var transaction = await db.Database.BeginTransactionAsync(cancellationToken);
        foreach (var (key, value) in newParams.OrderBy(p => p.Key, StringComparer.Ordinal))
        {
            var inserted = await db.Database.ExecuteSqlAsync(
                $"""INSERT INTO "tracking_params" ("run_uuid", "experiment_id", "key", "value") VALUES ({run.RunUuid}, {run.ExperimentId}, {key}, {value}) ON CONFLICT ("run_uuid", "key") DO NOTHING""",
                cancellationToken);
            if (inserted == 0)
            {
                // Logged concurrently since we looked: the same value is fine, another one is not.
                var stored = await db.RunParams.Where(p => p.RunUuid == run.RunUuid && p.Key == key).Select(p => p.Value).FirstAsync(cancellationToken);
                if (stored != value)
                {
                    throw ParamChanged(run.RunUuid, key, stored, value);
                }
            }
        }

        foreach (var (key, value) in tags.GroupBy(t => t.Key, StringComparer.Ordinal).Select(g => g.Last()).OrderBy(t => t.Key, StringComparer.Ordinal))
        {
            await UpsertRunTagAsync(run, key, value, cancellationToken);
            if (key == RunNameTag)
            {
                await db.Runs.Where(r => r.RunUuid == run.RunUuid).ExecuteUpdateAsync(s => s.SetProperty(r => r.Name, value), cancellationToken);
            }
        }

        if (metrics.Count > 0)
        {
            // The batch's own latest point per key: (step, timestamp), later wins ties; keys in ordinal order.
            var latest = metrics.GroupBy(m => m.Key, StringComparer.Ordinal)
                .Select(g => g.Aggregate((a, b) => (b.Step, b.Timestamp).CompareTo((a.Step, a.Timestamp)) >= 0 ? b : a))
                .OrderBy(m => m.Key, StringComparer.Ordinal)
                .ToList();
            await AppendMetricHistoryAsync(run, metrics, cancellationToken);
            await InsertMetricRowsAsync(run, latest, latestTable: true, cancellationToken);
        }

        await transaction.CommitAsync(cancellationToken);
        TrackingMetrics.MetricPointsLogged(metrics.Count);
    }

    /// <summary>Rows per INSERT (a log-batch carries at most 1,000 metrics: one statement).</summary>
    private const int MetricRowsPerStatement = 1000;

    /// <summary>
    /// Writes metric rows with one multi-row INSERT in the current transaction, not a thousand (EF would insert row by
    /// row to read back each generated id, which nothing here needs). With <paramref name="latestTable"/> the rows (one
    /// per key) are upserted into the latest-metric table instead, a stored point being replaced only by a later
    /// (step, timestamp).
    /// </summary>
    /// <remarks>
    /// Only the run id and the distinct keys are parameters; numbers are written as literals that this code formats
    /// itself from typed values (invariant culture, round-trip precision), so nothing from the request reaches the SQL
    /// text. SQLite resolves each named parameter by a linear scan of the statement's names, so 5,000 parameters made
    /// binding quadratic: it was most of the CPU time of a batch.
    /// </remarks>
    private async Task InsertMetricRowsAsync(Run run, IReadOnlyList<MetricPoint> rows, bool latestTable, CancellationToken cancellationToken)
    {
        var connection = db.Database.GetDbConnection();
        var transaction = db.Database.CurrentTransaction?.GetDbTransaction();
        var table = latestTable ? "tracking_latest_metrics" : "tracking_metrics";
        for (var start = 0; start < rows.Count; start += MetricRowsPerStatement)
        {
            var count = Math.Min(MetricRowsPerStatement, rows.Count - start);
            await using var command = connection.CreateCommand();
            command.Transaction = transaction;
            // The latest-metric rows carry the run's experiment (search's index leads with it); the history does not.
            var (columns, runValues) = latestTable ? ("\"run_uuid\", \"experiment_id\"", "(@r, @e, ") : ("\"run_uuid\"", "(@r, ");
            var sql = new System.Text.StringBuilder($"""INSERT INTO "{table}" ({columns}, "key", "value", "is_nan", "timestamp", "step") VALUES """);
            AddParameter(command, "@r", run.RunUuid);
            if (latestTable)
            {
                AddParameter(command, "@e", run.ExperimentId);
            }

            var keys = new Dictionary<string, string>(StringComparer.Ordinal);
            var invariant = System.Globalization.CultureInfo.InvariantCulture;
            for (var i = 0; i < count; i++)
            {
                var point = rows[start + i];
                if (!keys.TryGetValue(point.Key, out var key))
                {
                    key = $"@k{keys.Count}";
                    keys[point.Key] = key;
                    AddParameter(command, key, point.Key);
                }

                var isNan = double.IsNaN(point.Value);
                string value;
                if (double.IsFinite(point.Value) || isNan)
                {
                    value = (isNan ? 0d : point.Value).ToString("R", invariant);
                }
                else
                {
                    // Infinities have no literal in SQL; they stay parameters (rare).
                    value = $"@v{i}";
                    AddParameter(command, value, point.Value);
                }

                sql.Append(i == 0 ? "" : ",").Append(runValues).Append(key).Append(", ").Append(value).Append(isNan ? ", TRUE, " : ", FALSE, ")
                    .Append(point.Timestamp.ToString(invariant)).Append(", ").Append(point.Step.ToString(invariant)).Append(')');
            }

            if (latestTable)
            {
                sql.Append("""
                     ON CONFLICT ("run_uuid", "key") DO UPDATE SET
                        "value" = excluded."value", "is_nan" = excluded."is_nan", "timestamp" = excluded."timestamp", "step" = excluded."step"
                    WHERE excluded."step" > "tracking_latest_metrics"."step"
                       OR (excluded."step" = "tracking_latest_metrics"."step" AND excluded."timestamp" >= "tracking_latest_metrics"."timestamp")
                    """);
            }

            command.CommandText = sql.ToString();
            await command.ExecuteNonQueryAsync(cancellationToken);
        }
    }

    private static void AddParameter(System.Data.Common.DbCommand command, string name, object value)
    {
        var parameter = command.CreateParameter();
        parameter.ParameterName = name;
        parameter.Value = value;
        command.Parameters.Add(parameter);
    }

    public async Task DeleteRunTagAsync(string runId, string key, CancellationToken cancellationToken = default)
    {
        var run = await ActiveRunAsync(runId, tracked: false, cancellationToken);
        var deleted = await db.RunTags.Where(t => t.RunUuid == run.RunUuid && t.Key == key).ExecuteDeleteAsync(cancellationToken);
        if (deleted == 0)
        {
            throw MlflowException.NotFound($"No tag with name: {key} in run with id {runId}");
        }
    }

    /// <summary>The params of the request that the run does not have yet; throws on a changed value.</summary>
    private async Task<List<(string Key, string Value)>> NewParamsAsync(string runUuid, IReadOnlyList<(string Key, string Value)> parameters, CancellationToken cancellationToken)
    {
        if (parameters.Count == 0)
        {
            return [];
        }

        var requested = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var (key, value) in parameters)
        {
            if (requested.TryGetValue(key, out var earlier) && earlier != value)
            {
                throw MlflowException.Invalid($"Duplicate parameter keys have been submitted: '{key}' with values '{MlflowRequest.Clip(earlier)}' and '{MlflowRequest.Clip(value)}'.");
            }

            requested[key] = value;
        }

        var keys = requested.Keys.ToList();
        var stored = await db.RunParams.AsNoTracking().Where(p => p.RunUuid == runUuid && keys.Contains(p.Key)).ToDictionaryAsync(p => p.Key, p => p.Value, StringComparer.Ordinal, cancellationToken);
        foreach (var (key, value) in requested)
        {
            if (stored.TryGetValue(key, out var old) && old != value)
            {
                throw ParamChanged(runUuid, key, old, value);
            }
        }

        return [.. requested.Where(p => !stored.ContainsKey(p.Key)).Select(p => (p.Key, p.Value))];
    }

    private static MlflowException ParamChanged(string runUuid, string key, string old, string value) => MlflowException.Invalid(
        $"Changing param values is not allowed. Param with key='{key}' was already logged with value='{MlflowRequest.Clip(old)}' " +
        $"for run ID='{runUuid}'. Attempted logging new value '{MlflowRequest.Clip(value)}'.");

    private Task UpsertRunTagAsync(Run run, string key, string value, CancellationToken cancellationToken) =>
        db.Database.ExecuteSqlAsync(
            $"""INSERT INTO "tracking_run_tags" ("run_uuid", "experiment_id", "key", "value") VALUES ({run.RunUuid}, {run.ExperimentId}, {key}, {value}) ON CONFLICT ("run_uuid", "key") DO UPDATE SET "value" = excluded."value" """,
            cancellationToken);

    private async Task<Run> FindRunAsync(string runId, CancellationToken cancellationToken, bool tracked = false)
    {
        var query = tracked ? db.Runs : db.Runs.AsNoTracking();
        return (RunIds.IsValid(runId) ? await query.FirstOrDefaultAsync(r => r.RunUuid == runId, cancellationToken) : null)
            ?? throw MlflowException.NotFound($"Run with id={MlflowRequest.Clip(runId)} not found");
    }

    private async Task<Run> ActiveRunAsync(string runId, bool tracked, CancellationToken cancellationToken)
    {
        var run = await FindRunAsync(runId, cancellationToken, tracked);
        return run.LifecycleStage == LifecycleStage.Active
            ? run
            : throw MlflowException.Invalid($"The run {runId} must be in the 'active' state. Current state is {run.LifecycleStage}.");
    }

    /// <summary>Params, tags and latest metrics of <paramref name="runIds"/>, in that order, three queries in all.</summary>
    private async Task<List<RunView>> RunDataAsync(List<string> runIds, CancellationToken cancellationToken)
    {
        // In chunks: a page may hold 50,000 runs, more ids than SQLite (32,766) or PostgreSQL (65,535) take as parameters.
        var paramRows = new List<RunParam>();
        var tagRows = new List<RunTag>();
        var metricRows = new List<LatestMetric>();
        foreach (var chunk in runIds.Chunk(RunDataChunk))
        {
            paramRows.AddRange(await db.RunParams.AsNoTracking().Where(p => chunk.Contains(p.RunUuid)).ToListAsync(cancellationToken));
            tagRows.AddRange(await db.RunTags.AsNoTracking().Where(t => chunk.Contains(t.RunUuid)).ToListAsync(cancellationToken));
            metricRows.AddRange(await db.LatestMetrics.AsNoTracking().Where(m => chunk.Contains(m.RunUuid)).ToListAsync(cancellationToken));
        }

        var parameters = paramRows.ToLookup(p => p.RunUuid, StringComparer.Ordinal);
        var tags = tagRows.ToLookup(t => t.RunUuid, StringComparer.Ordinal);
        var metrics = metricRows.ToLookup(m => m.RunUuid, StringComparer.Ordinal);
        return [.. runIds.Select(id => new RunView(
            null!,
            [.. parameters[id].OrderBy(p => p.Key, StringComparer.Ordinal)],
            [.. tags[id].OrderBy(t => t.Key, StringComparer.Ordinal)],
            [.. metrics[id].OrderBy(m => m.Key, StringComparer.Ordinal)]))];
    }
}
