using System.Diagnostics;
using System.Linq.Expressions;
using Microsoft.EntityFrameworkCore;
using Wharf.Server.Data;

namespace Wharf.Server.Tracking;

/// <summary>
/// Searches, filtered, ordered and paged in SQL. A run filter clause becomes an IN-subquery over the (key, value) index
/// of params, tags or latest metrics (or a predicate on the runs row for attributes); an order on a
/// metric, param or tag becomes a scalar subquery on the same key, missing values last. Paging is by offset over a
/// total order (the terms asked for, then start_time DESC, then run_uuid).
/// </summary>
internal sealed partial class TrackingStore
{
    private SqlPredicates Predicates => new(db is SqliteWharfDbContext);

    public async Task<(List<RunView> Runs, string? NextPageToken)> SearchRunsAsync(
        IReadOnlyList<long> experimentIds, IReadOnlyList<FilterClause> filter, IReadOnlyList<OrderByClause> orderBy,
        ViewType viewType, int maxResults, string? pageToken, CancellationToken cancellationToken = default)
    {
        var started = Stopwatch.GetTimestamp();
        var offset = PageToken.ReadOffset(pageToken);
        if (offset > int.MaxValue - maxResults)
        {
            throw MlflowException.Invalid("Invalid page token: the offset is out of range.");
        }

        var page = await RunSearchQuery(experimentIds, filter, orderBy, viewType).Skip((int)offset).Take(maxResults + 1).ToListAsync(cancellationToken);
        var next = page.Count > maxResults ? PageToken.Offset(offset + maxResults) : null;
        if (page.Count > maxResults)
        {
            page.RemoveAt(page.Count - 1);
        }

        var data = await RunDataAsync([.. page.Select(r => r.RunUuid)], cancellationToken);
        TrackingMetrics.Searched(Stopwatch.GetElapsedTime(started));
        return ([.. page.Select((run, i) => data[i] with { Run = run })], next);
    }

    /// <summary>The runs a search selects, in its order: one SQL query, which tests inspect.</summary>
    internal IQueryable<Run> RunSearchQuery(IReadOnlyList<long> experimentIds, IReadOnlyList<FilterClause> filter, IReadOnlyList<OrderByClause> orderBy, ViewType viewType)
    {
        var ids = experimentIds.ToList();
        IQueryable<Run> runs = db.Runs.AsNoTracking().Where(r => ids.Contains(r.ExperimentId));
        runs = viewType switch
        {
            ViewType.ActiveOnly => runs.Where(r => r.LifecycleStage == LifecycleStage.Active),
            ViewType.DeletedOnly => runs.Where(r => r.LifecycleStage == LifecycleStage.Deleted),
            _ => runs,
        };

        foreach (var clause in filter)
        {
            runs = runs.Where(RunPredicate(clause, ids));
        }

        return OrderRuns(runs, orderBy);
    }

    private Expression<Func<Run, bool>> RunPredicate(FilterClause clause, List<long> experimentIds)
    {
        var r = Expression.Parameter(typeof(Run), "r");
        var runUuid = Expression.Property(r, nameof(Run.RunUuid));
        var key = SqlPredicates.Parameter(clause.Key);
        var experiments = SqlPredicates.Parameter(experimentIds);

        // Key-value clauses are "run_uuid IN (SELECT run_uuid FROM <table> WHERE experiment_id IN (...) AND key = @k
        // AND value <op> @v)": the database reads the experiments' slice of the (experiment_id, key, value, run_uuid)
        // index, which answers the subquery alone, and looks the matching runs up by primary key, instead of probing
        // every run of the experiment with a correlated EXISTS (at 100,000 runs, the difference between a few
        // thousand lookups and a few hundred thousand).
        Expression KeyOf(ParameterExpression x, string experimentId, string keyName) => Expression.AndAlso(
            Expression.Call(SqlPredicates.ListContains<long>(), experiments, Expression.Property(x, experimentId)),
            Expression.Equal(Expression.Property(x, keyName), key));
        Expression body = clause.Entity switch
        {
            // "is_nan = FALSE", not "NOT is_nan": an equality the index seeks on, between the key and the value range.
            SearchEntity.Metric => RunIn<LatestMetric>(db.LatestMetrics, runUuid, m => Expression.AndAlso(
                Expression.AndAlso(KeyOf(m, nameof(LatestMetric.ExperimentId), nameof(LatestMetric.Key)), Expression.Equal(Expression.Property(m, nameof(LatestMetric.IsNan)), Expression.Constant(false))),
                SqlPredicates.Number(Expression.Property(m, nameof(LatestMetric.Value)), clause, clause.Number!.Value))),
            SearchEntity.Param => RunIn<RunParam>(db.RunParams, runUuid, p => Expression.AndAlso(
                KeyOf(p, nameof(RunParam.ExperimentId), nameof(RunParam.Key)),
                Predicates.Indexed(Expression.Property(p, nameof(RunParam.Value)), clause))),
            SearchEntity.Tag => RunIn<RunTag>(db.RunTags, runUuid, t => Expression.AndAlso(
                KeyOf(t, nameof(RunTag.ExperimentId), nameof(RunTag.Key)),
                Predicates.Indexed(Expression.Property(t, nameof(RunTag.Value)), clause))),
            _ => clause.Key switch
            {
                "start_time" => TimeComparison(Expression.Property(r, nameof(Run.StartTime)), clause),
                "end_time" => TimeComparison(Expression.Property(r, nameof(Run.EndTime)), clause),
                var attribute => Predicates.String(Expression.Property(r, RunColumn(attribute)), clause),
            },
        };
        return Expression.Lambda<Func<Run, bool>>(body, r);
    }

    private static string RunColumn(string attribute) => attribute switch
    {
        "run_id" => nameof(Run.RunUuid),
        "run_name" => nameof(Run.Name),
        "status" => nameof(Run.Status),
        "user_id" => nameof(Run.UserId),
        "artifact_uri" => nameof(Run.ArtifactUri),
        "lifecycle_stage" => nameof(Run.LifecycleStage),
        _ => throw new InvalidOperationException($"attribute {attribute} is not a string column"),
    };

    private static Expression TimeComparison(Expression column, FilterClause clause)
    {
        var value = clause.Number!.Value;
        if (value != Math.Floor(value) || Math.Abs(value) > 9e15)
        {
            throw MlflowException.Invalid($"Invalid search expression: '{clause.Key}' is compared with whole milliseconds, not {value}.");
        }

        return column.Type == typeof(long?)
            ? SqlPredicates.Number(column, clause, (long?)value)
            : SqlPredicates.Number(column, clause, (long)value);
    }

    private static MethodCallExpression Exists<T>(IQueryable<T> set, Func<ParameterExpression, Expression> body)
    {
        var x = Expression.Parameter(typeof(T), "x");
        return Expression.Call(typeof(Queryable), nameof(Queryable.Any), [typeof(T)], set.Expression, Expression.Quote(Expression.Lambda<Func<T, bool>>(body(x), x)));
    }

    /// <summary><c>runUuid IN (SELECT x.RunUuid FROM set x WHERE body(x))</c>.</summary>
    private static MethodCallExpression RunIn<T>(IQueryable<T> set, Expression runUuid, Func<ParameterExpression, Expression> body)
    {
        var x = Expression.Parameter(typeof(T), "x");
        var matching = Expression.Call(typeof(Queryable), nameof(Queryable.Where), [typeof(T)], set.Expression, Expression.Quote(Expression.Lambda<Func<T, bool>>(body(x), x)));
        var selector = Expression.Lambda<Func<T, string>>(Expression.Property(x, "RunUuid"), x);
        var runIds = Expression.Call(typeof(Queryable), nameof(Queryable.Select), [typeof(T), typeof(string)], matching, Expression.Quote(selector));
        return Expression.Call(typeof(Queryable), nameof(Queryable.Contains), [typeof(string)], runIds, runUuid);
    }

    private IQueryable<Run> OrderRuns(IQueryable<Run> runs, IReadOnlyList<OrderByClause> orderBy)
    {
        IOrderedQueryable<Run>? ordered = null;
        IOrderedQueryable<Run> Then<TKey>(Expression<Func<Run, TKey>> key, bool ascending) => ordered = ordered is null
            ? (ascending ? runs.OrderBy(key) : runs.OrderByDescending(key))
            : (ascending ? ordered.ThenBy(key) : ordered.ThenByDescending(key));

        var byStartTime = false;
        foreach (var clause in orderBy)
        {
            var key = clause.Key;
            switch (clause.Entity)
            {
                case SearchEntity.Metric:
                    // Values first, then NaN, then runs without the metric, whatever the direction.
                    Then(r => db.LatestMetrics.Where(m => m.RunUuid == r.RunUuid && m.Key == key).Select(m => (int?)(m.IsNan ? 1 : 0)).FirstOrDefault() ?? 2, true);
                    Then(r => db.LatestMetrics.Where(m => m.RunUuid == r.RunUuid && m.Key == key).Select(m => (double?)m.Value).FirstOrDefault(), clause.Ascending);
                    break;
                case SearchEntity.Param:
                    Then(r => db.RunParams.Where(p => p.RunUuid == r.RunUuid && p.Key == key).Select(p => p.Value).FirstOrDefault() == null ? 1 : 0, true);
                    Then(r => db.RunParams.Where(p => p.RunUuid == r.RunUuid && p.Key == key).Select(p => p.Value).FirstOrDefault(), clause.Ascending);
                    break;
                case SearchEntity.Tag:
                    Then(r => db.RunTags.Where(t => t.RunUuid == r.RunUuid && t.Key == key).Select(t => t.Value).FirstOrDefault() == null ? 1 : 0, true);
                    Then(r => db.RunTags.Where(t => t.RunUuid == r.RunUuid && t.Key == key).Select(t => t.Value).FirstOrDefault(), clause.Ascending);
                    break;
                default:
                    switch (key)
                    {
                        case "start_time":
                            byStartTime = true;
                            Then(r => r.StartTime, clause.Ascending);
                            break;
                        case "end_time":
                            Then(r => r.EndTime == null ? 1 : 0, true);
                            Then(r => r.EndTime, clause.Ascending);
                            break;
                        case "run_name":
                            Then(r => r.Name, clause.Ascending);
                            break;
                        case "status":
                            Then(r => r.Status, clause.Ascending);
                            break;
                        case "user_id":
                            Then(r => r.UserId, clause.Ascending);
                            break;
                        case "artifact_uri":
                            Then(r => r.ArtifactUri, clause.Ascending);
                            break;
                        case "run_id":
                            Then(r => r.RunUuid, clause.Ascending);
                            break;
                    }

                    break;
            }
        }

        if (!byStartTime)
        {
            Then(r => r.StartTime, false);
        }

        return Then(r => r.RunUuid, true);
    }

    public async Task<(List<ExperimentView> Experiments, string? NextPageToken)> SearchExperimentsAsync(
        List<long>? projectIds, IReadOnlyList<FilterClause> filter, IReadOnlyList<OrderByClause> orderBy, ViewType viewType,
        int maxResults, string? pageToken, CancellationToken cancellationToken = default)
    {
        var offset = PageToken.ReadOffset(pageToken);
        if (offset > int.MaxValue - maxResults)
        {
            throw MlflowException.Invalid("Invalid page token: the offset is out of range.");
        }

        IQueryable<Experiment> experiments = db.Experiments.AsNoTracking();
        if (projectIds is not null)
        {
            experiments = experiments.Where(e => projectIds.Contains(e.ProjectId));
        }

        experiments = viewType switch
        {
            ViewType.ActiveOnly => experiments.Where(e => e.LifecycleStage == LifecycleStage.Active),
            ViewType.DeletedOnly => experiments.Where(e => e.LifecycleStage == LifecycleStage.Deleted),
            _ => experiments,
        };

        foreach (var clause in filter)
        {
            var e = Expression.Parameter(typeof(Experiment), "e");
            Expression body = clause.Entity == SearchEntity.Tag
                ? Exists<ExperimentTag>(db.ExperimentTags, t => Expression.AndAlso(
                    Expression.AndAlso(
                        Expression.Equal(Expression.Property(t, nameof(ExperimentTag.ExperimentId)), Expression.Property(e, nameof(Experiment.Id))),
                        Expression.Equal(Expression.Property(t, nameof(ExperimentTag.Key)), SqlPredicates.Parameter(clause.Key))),
                    Predicates.String(Expression.Property(t, nameof(ExperimentTag.Value)), clause)))
                : clause.Key switch
                {
                    "name" => Predicates.String(Expression.Property(e, nameof(Experiment.Name)), clause),
                    "experiment_id" => TimeComparison(Expression.Property(e, nameof(Experiment.Id)), clause),
                    "creation_time" => TimeComparison(Expression.Property(e, nameof(Experiment.CreationTime)), clause),
                    _ => TimeComparison(Expression.Property(e, nameof(Experiment.LastUpdateTime)), clause),
                };
            experiments = experiments.Where(Expression.Lambda<Func<Experiment, bool>>(body, e));
        }

        IOrderedQueryable<Experiment>? ordered = null;
        IOrderedQueryable<Experiment> Then<TKey>(Expression<Func<Experiment, TKey>> key, bool ascending) => ordered = ordered is null
            ? (ascending ? experiments.OrderBy(key) : experiments.OrderByDescending(key))
            : (ascending ? ordered.ThenBy(key) : ordered.ThenByDescending(key));
        foreach (var clause in orderBy)
        {
            if (clause.Entity != SearchEntity.Attribute)
            {
                throw MlflowException.Invalid("Experiments can be ordered by name, experiment_id, creation_time and last_update_time.");
            }

            _ = clause.Key switch
            {
                "name" => Then(x => x.Name, clause.Ascending),
                "creation_time" => Then(x => x.CreationTime, clause.Ascending),
                "last_update_time" => Then(x => x.LastUpdateTime, clause.Ascending),
                _ => Then(x => x.Id, clause.Ascending),
            };
        }

        if (orderBy.Count == 0)
        {
            Then(x => x.CreationTime, false);
        }

        var page = await Then(x => x.Id, true).Skip((int)offset).Take(maxResults + 1).ToListAsync(cancellationToken);
        var next = page.Count > maxResults ? PageToken.Offset(offset + maxResults) : null;
        if (page.Count > maxResults)
        {
            page.RemoveAt(page.Count - 1);
        }

        var ids = page.Select(x => x.Id).ToList();
        var tags = (await db.ExperimentTags.AsNoTracking().Where(t => ids.Contains(t.ExperimentId)).ToListAsync(cancellationToken)).ToLookup(t => t.ExperimentId);
        return ([.. page.Select(x => new ExperimentView(x, [.. tags[x.Id].OrderBy(t => t.Key, StringComparer.Ordinal)]))], next);
    }

    /// <summary>One page of a metric's history in (step, timestamp) order, by keyset.</summary>
    public async Task<(List<RunMetric> Points, string? NextPageToken)> GetMetricHistoryAsync(
        string runId, string key, int maxResults, string? pageToken, CancellationToken cancellationToken = default)
    {
        var run = await FindRunAsync(runId, cancellationToken);
        var after = PageToken.ReadKeyset(pageToken);
        var points = db.RunMetrics.AsNoTracking().Where(m => m.RunUuid == run.RunUuid && m.Key == key);
        if (after is var (step, timestamp, id))
        {
            points = points.Where(m => m.Step > step || (m.Step == step && (m.Timestamp > timestamp || (m.Timestamp == timestamp && m.Id > id))));
        }

        var page = await points.OrderBy(m => m.Step).ThenBy(m => m.Timestamp).ThenBy(m => m.Id).Take(maxResults + 1).ToListAsync(cancellationToken);
        string? next = null;
        if (page.Count > maxResults)
        {
            page.RemoveAt(page.Count - 1);
            var last = page[^1];
            next = PageToken.Keyset(last.Step, last.Timestamp, last.Id);
        }

        return (page, next);
    }
}
