using Microsoft.EntityFrameworkCore;
using Wharf.Server.Auth;
using Wharf.Server.Data;

namespace Wharf.Server.Tracking;

/// <summary>
/// The reads behind the tracking pages of the UI. Every listing is one page of rows in SQL, never a whole table: an
/// experiment with 100,000 runs costs the same to show as one with ten. Searches go through
/// <see cref="TrackingStore"/>, so the UI's filter grammar and order are the MLflow API's.
/// </summary>
internal sealed class TrackingBrowser(WharfDbContext db)
{
    /// <summary>The most points a chart draws per series; longer histories are averaged in buckets of steps.</summary>
    public const int MaxChartPoints = 1000;

    /// <summary>One page of the active experiments in <paramref name="projectIds"/> (null: all), newest change first.</summary>
    public async Task<(List<ExperimentSummary> Items, bool More)> ListExperimentsAsync(
        List<long>? projectIds, string? nameContains, int offset, int pageSize, CancellationToken cancellationToken = default)
    {
        var experiments = db.Experiments.AsNoTracking().Where(e => e.LifecycleStage == LifecycleStage.Active);
        if (projectIds is not null)
        {
            experiments = experiments.Where(e => projectIds.Contains(e.ProjectId));
        }

        if (!string.IsNullOrEmpty(nameContains))
        {
            var lowered = nameContains.ToLowerInvariant();
#pragma warning disable CA1862, CA1304, CA1311 // translated to SQL lower(); the culture overloads are not translatable
            experiments = experiments.Where(e => e.Name.ToLower().Contains(lowered));
#pragma warning restore CA1862, CA1304, CA1311
        }

        var rows = await (
            from e in experiments
            join p in db.Projects on e.ProjectId equals p.Id
            orderby e.LastUpdateTime descending, e.Id
            select new ExperimentSummary(
                e.Id,
                e.Name,
                p.Name,
                db.Runs.Count(r => r.ExperimentId == e.Id && r.LifecycleStage == LifecycleStage.Active),
                e.LastUpdateTime,
                db.Runs.Where(r => r.ExperimentId == e.Id && r.LifecycleStage == LifecycleStage.Active).Max(r => (long?)r.StartTime)))
            .Skip(offset).Take(pageSize + 1).ToListAsync(cancellationToken);
        var more = rows.Count > pageSize;
        if (more)
        {
            rows.RemoveAt(rows.Count - 1);
        }

        return (rows, more);
    }

    /// <summary>An experiment and its project, when it exists and <paramref name="principal"/> may read it.</summary>
    public async Task<(Experiment Experiment, string Project)?> FindReadableExperimentAsync(AuthPrincipal principal, long id, CancellationToken cancellationToken = default)
    {
        var row = await (
            from e in db.Experiments.AsNoTracking()
            join p in db.Projects on e.ProjectId equals p.Id
            where e.Id == id
            select new { Experiment = e, Project = p.Name }).FirstOrDefaultAsync(cancellationToken);
        return row is not null && CanRead(principal, row.Project) ? (row.Experiment, row.Project) : null;
    }

    /// <summary>The number of active runs of an experiment: an index range count.</summary>
    public Task<int> CountRunsAsync(long experimentId, CancellationToken cancellationToken = default) =>
        db.Runs.CountAsync(r => r.ExperimentId == experimentId && r.LifecycleStage == LifecycleStage.Active, cancellationToken);

    /// <summary>Runs with their experiment and project, in the order asked, leaving out any the caller may not read.</summary>
    public async Task<List<RunLocation>> FindReadableRunsAsync(AuthPrincipal principal, IReadOnlyList<string> runIds, CancellationToken cancellationToken = default)
    {
        var ids = runIds.Where(RunIds.IsValid).Distinct(StringComparer.Ordinal).ToList();
        if (ids.Count == 0)
        {
            return [];
        }

        var rows = await (
            from r in db.Runs.AsNoTracking()
            join e in db.Experiments on r.ExperimentId equals e.Id
            join p in db.Projects on e.ProjectId equals p.Id
            where ids.Contains(r.RunUuid)
            select new RunLocation(r.RunUuid, e.Id, e.Name, p.Name)).ToListAsync(cancellationToken);
        var readable = rows.Where(r => CanRead(principal, r.Project)).ToDictionary(r => r.RunId, StringComparer.Ordinal);
        return [.. ids.Where(readable.ContainsKey).Select(id => readable[id])];
    }

    /// <summary>
    /// A metric's history for a chart: every point when there are at most <see cref="MaxChartPoints"/>, otherwise the
    /// steps cut into that many equal buckets, each drawn at its first step with its mean value (in SQL, so a history
    /// of millions of points never leaves the database). NaN points are left out; ±Infinity cannot be drawn either.
    /// </summary>
    public async Task<List<ChartPoint>> MetricChartAsync(string runId, string key, CancellationToken cancellationToken = default)
    {
        var points = db.RunMetrics.AsNoTracking().Where(m => m.RunUuid == runId && m.Key == key && !m.IsNan);
        var range = await points.GroupBy(m => 1).Select(g => new { Count = g.Count(), Min = g.Min(m => m.Step), Max = g.Max(m => m.Step) }).FirstOrDefaultAsync(cancellationToken);
        if (range is null)
        {
            return [];
        }

        List<ChartPoint> result;
        if (range.Count <= MaxChartPoints)
        {
            result = await points.OrderBy(m => m.Step).ThenBy(m => m.Timestamp).ThenBy(m => m.Id)
                .Select(m => new ChartPoint(m.Step, m.Value)).ToListAsync(cancellationToken);
        }
        else
        {
            var min = range.Min;
            // Bucket width rounded up, so that (step - min) / width stays below MaxChartPoints without overflow.
            var width = Math.Max(1, (long)Math.Ceiling(((double)range.Max - range.Min + 1) / MaxChartPoints));
            var buckets = await points.GroupBy(m => (m.Step - min) / width)
                .Select(g => new { Step = g.Min(m => m.Step), Value = g.Average(m => m.Value) })
                .OrderBy(p => p.Step).ToListAsync(cancellationToken);
            result = [.. buckets.Select(b => new ChartPoint(b.Step, b.Value))];
        }

        result.RemoveAll(p => !double.IsFinite(p.Value));
        return result;
    }

    private static bool CanRead(AuthPrincipal principal, string project) => principal.ScopesIn(project).HasFlag(Scope.TrackingRead);
}
