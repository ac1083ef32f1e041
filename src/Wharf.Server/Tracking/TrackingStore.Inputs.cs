using Microsoft.EntityFrameworkCore;

namespace Wharf.Server.Tracking;

internal sealed partial class TrackingStore
{
    /// <summary>Most run ids one get-history-bulk-interval call takes, as MLflow.</summary>
    public const int MaxBulkIntervalRuns = 100;

    /// <summary>Most points per run get-history-bulk-interval returns, as MLflow.</summary>
    public const int MaxBulkIntervalResults = 2500;

    /// <summary>
    /// Logs dataset inputs to an active run in one transaction. A dataset already logged to the run (same name and
    /// digest) keeps its row; its source, schema and profile and its input tags are replaced by the new ones.
    /// </summary>
    public async Task LogInputsAsync(string runId, IReadOnlyList<DatasetInputView> inputs, CancellationToken cancellationToken = default)
    {
        var run = await ActiveRunAsync(runId, tracked: false, cancellationToken);
        try
        {
            await LogInputsOnceAsync(run, inputs, cancellationToken);
        }
        catch (DbUpdateException)
        {
            // A concurrent call inserted the same dataset first (the unique index said no); now it exists, so the
            // second attempt updates it.
            db.ChangeTracker.Clear();
            await LogInputsOnceAsync(run, inputs, cancellationToken);
        }
    }

    private async Task LogInputsOnceAsync(Run run, IReadOnlyList<DatasetInputView> inputs, CancellationToken cancellationToken)
    {
        await using var transaction = await db.Database.BeginTransactionAsync(cancellationToken);
        foreach (var input in inputs.GroupBy(i => (i.Dataset.Name, i.Dataset.Digest)).Select(g => g.Last()))
        {
            var d = input.Dataset;
            var row = await db.RunDatasetInputs.FirstOrDefaultAsync(x => x.RunUuid == run.RunUuid && x.Name == d.Name && x.Digest == d.Digest, cancellationToken);
            if (row is null)
            {
                row = new RunDatasetInput { RunUuid = run.RunUuid, Name = d.Name, Digest = d.Digest, SourceType = d.SourceType, Source = d.Source, Schema = d.Schema, Profile = d.Profile };
                db.RunDatasetInputs.Add(row);
            }
            else
            {
                (row.SourceType, row.Source, row.Schema, row.Profile) = (d.SourceType, d.Source, d.Schema, d.Profile);
            }

            await db.SaveChangesAsync(cancellationToken);
            await db.RunDatasetInputTags.Where(t => t.InputId == row.Id).ExecuteDeleteAsync(cancellationToken);
            foreach (var tag in input.Tags.GroupBy(t => t.Key, StringComparer.Ordinal).Select(g => g.Last()))
            {
                db.RunDatasetInputTags.Add(new RunDatasetInputTag { InputId = row.Id, Key = tag.Key, Value = tag.Value });
            }

            await db.SaveChangesAsync(cancellationToken);
        }

        await transaction.CommitAsync(cancellationToken);
        db.ChangeTracker.Clear();
    }

    /// <summary>A run's dataset inputs with their tags, in the order they were first logged.</summary>
    public async Task<List<DatasetInputView>> DatasetInputsAsync(string runId, CancellationToken cancellationToken = default)
    {
        var inputs = await db.RunDatasetInputs.AsNoTracking().Where(i => i.RunUuid == runId).OrderBy(i => i.Id).ToListAsync(cancellationToken);
        if (inputs.Count == 0)
        {
            return [];
        }

        var ids = inputs.Select(i => i.Id).ToList();
        var tags = (await db.RunDatasetInputTags.AsNoTracking().Where(t => ids.Contains(t.InputId)).ToListAsync(cancellationToken))
            .ToLookup(t => t.InputId);
        return [.. inputs.Select(i => new DatasetInputView(i, [.. tags[i.Id].OrderBy(t => t.Key, StringComparer.Ordinal)]))];
    }

    /// <summary>
    /// get-history-bulk-interval, as MLflow's server answers it: the steps of the metric over all the runs in
    /// [<paramref name="startStep"/>, <paramref name="endStep"/>] (default: all) are sampled evenly down to
    /// <paramref name="maxResults"/>, always keeping the last; then each run's points at those steps, in run id order
    /// and by (step, timestamp) within a run, at most <paramref name="maxResults"/> per run.
    /// </summary>
    public async Task<List<(string RunId, RunMetric Point)>> GetMetricHistoryBulkIntervalAsync(
        IReadOnlyList<string> runIds, string key, long? startStep, long? endStep, int maxResults, CancellationToken cancellationToken = default)
    {
        var ids = runIds.Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal).ToList();
        var allSteps = await db.RunMetrics.AsNoTracking()
            .Where(m => ids.Contains(m.RunUuid) && m.Key == key)
            .Select(m => m.Step).Distinct().OrderBy(s => s).ToListAsync(cancellationToken);
        if (allSteps.Count == 0)
        {
            return [];
        }

        var sampled = SampleSteps(allSteps, startStep ?? allSteps[0], endStep ?? allSteps[^1], maxResults);
        var result = new List<(string, RunMetric)>();
        foreach (var id in ids)
        {
            var points = await db.RunMetrics.AsNoTracking()
                .Where(m => m.RunUuid == id && m.Key == key && sampled.Contains(m.Step))
                .OrderBy(m => m.Step).ThenBy(m => m.Timestamp).ThenBy(m => m.Id)
                .Take(maxResults).ToListAsync(cancellationToken);
            result.AddRange(points.Select(p => (id, p)));
        }

        return result;
    }

    /// <summary>MLflow's even sampling of sorted distinct <paramref name="steps"/> within [start, end]: every
    /// (count / max)-th step from the first, plus the last.</summary>
    internal static List<long> SampleSteps(List<long> steps, long start, long end, int maxResults)
    {
        var from = LowerBound(steps, start);
        var to = end == long.MaxValue ? steps.Count : LowerBound(steps, end + 1);
        var count = to - from;
        if (count <= maxResults)
        {
            return steps.GetRange(from, Math.Max(count, 0));
        }

        var interval = (double)count / maxResults;
        var sampled = new SortedSet<long>();
        for (var i = 0; i < maxResults; i++)
        {
            sampled.Add(steps[from + (int)(i * interval)]);
        }

        sampled.Add(steps[to - 1]);
        return [.. sampled];
    }

    private static int LowerBound(List<long> sorted, long value)
    {
        var index = sorted.BinarySearch(value);
        return index >= 0 ? index : ~index;
    }
}
