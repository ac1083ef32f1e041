using Microsoft.EntityFrameworkCore;
using Wharf.Server.Auth;
using Wharf.Server.Data;
using Wharf.Server.Tracking;

namespace Wharf.Server.Models;

/// <summary>
/// The reads behind the model pages of the UI, straight over the <see cref="WharfDbContext"/>. Listings are one page of
/// rows in SQL, filtered by the projects the caller may read; a model of a project the caller cannot read is as absent
/// as one that never existed. Changes (moving an alias) go through <see cref="ModelStore"/>, never through here.
/// </summary>
internal sealed class ModelBrowser(WharfDbContext db)
{
    /// <summary>The most latest metrics shown per source run in the versions table ("key metrics"), in key order.</summary>
    public const int MaxKeyMetrics = 4;

    /// <summary>The most files listed on a version page.</summary>
    public const int MaxFiles = 500;

    /// <summary>The most datasets drawn in a version's lineage.</summary>
    public const int MaxDatasets = 20;

    /// <summary>A row of the models list.</summary>
    public sealed record ModelSummary(long Id, string Project, string Name, string? Description, long LastUpdatedTime, int? LatestVersion, IReadOnlyList<ModelAlias> Aliases);

    /// <summary>A row of a model's versions table: the version, its aliases, its source run and that run's key metrics.</summary>
    public sealed record VersionSummary(ModelVersion Version, IReadOnlyList<string> Aliases, string? RunName, long? ExperimentId, IReadOnlyList<LatestMetric> Metrics);

    /// <summary>The run a version was made from, as far as lineage goes: its experiment and the datasets it logged as inputs.</summary>
    public sealed record SourceRun(
        string RunId, string Name, string Status, long ExperimentId, string ExperimentName, IReadOnlyList<LatestMetric> Metrics, IReadOnlyList<Dataset> Datasets);

    /// <summary>A dataset a run logged with log-inputs.</summary>
    public sealed record Dataset(string Name, string Digest, string SourceType, string Source);

    /// <summary>A file of a version: the raw file's path, size and digest, and the digest of the layer (a tar) that holds it.</summary>
    public sealed record ModelFile(string Path, long Size, string Digest, string LayerDigest);

    /// <summary>One page of the models in <paramref name="projectIds"/> (null: all), most recently updated first.</summary>
    public async Task<(List<ModelSummary> Items, bool More)> ListModelsAsync(
        List<long>? projectIds, string? nameContains, int offset, int pageSize, CancellationToken cancellationToken = default)
    {
        var models = db.RegisteredModels.AsNoTracking();
        if (projectIds is not null)
        {
            models = models.Where(m => projectIds.Contains(m.ProjectId));
        }

        if (!string.IsNullOrEmpty(nameContains))
        {
            var lowered = nameContains.ToLowerInvariant();
#pragma warning disable CA1862, CA1304, CA1311 // translated to SQL lower(); the culture overloads are not translatable
            models = models.Where(m => m.Name.ToLower().Contains(lowered));
#pragma warning restore CA1862, CA1304, CA1311
        }

        var rows = await (
            from m in models
            join p in db.Projects on m.ProjectId equals p.Id
            orderby m.LastUpdatedTime descending, m.Id
            select new
            {
                m.Id,
                Project = p.Name,
                m.Name,
                m.Description,
                m.LastUpdatedTime,
                Latest = db.ModelVersions.Where(v => v.ModelId == m.Id).Max(v => (int?)v.Version),
            })
            .Skip(offset).Take(pageSize + 1).ToListAsync(cancellationToken);
        var more = rows.Count > pageSize;
        if (more)
        {
            rows.RemoveAt(rows.Count - 1);
        }

        var ids = rows.Select(r => r.Id).ToList();
        var aliases = await db.ModelAliases.AsNoTracking().Where(a => ids.Contains(a.ModelId)).OrderBy(a => a.Alias).ToListAsync(cancellationToken);
        return ([.. rows.Select(r => new ModelSummary(
            r.Id, r.Project, r.Name, r.Description, r.LastUpdatedTime, r.Latest, [.. aliases.Where(a => a.ModelId == r.Id)]))], more);
    }

    /// <summary>The model <paramref name="project"/>/<paramref name="name"/>, when it exists and the caller may read it.</summary>
    public async Task<ResolvedModel?> FindReadableModelAsync(AuthPrincipal principal, string? project, string? name, CancellationToken cancellationToken = default)
    {
        if (project is null || !Project.IsValidName(project) || !ModelNames.TryParse(name, out var addressed, out _) || addressed.Project is not null
            || (principal.ScopesIn(project) & Scope.ModelsRead) != Scope.ModelsRead)
        {
            return null;
        }

        var model = await (
            from m in db.RegisteredModels.AsNoTracking()
            join p in db.Projects on m.ProjectId equals p.Id
            where p.Name == project && m.Name == addressed.Name
            select m).FirstOrDefaultAsync(cancellationToken);
        return model is null ? null : new ResolvedModel(model, project);
    }

    public Task<List<RegisteredModelTag>> ModelTagsAsync(long modelId, CancellationToken cancellationToken = default) =>
        db.RegisteredModelTags.AsNoTracking().Where(t => t.ModelId == modelId).OrderBy(t => t.Key).ToListAsync(cancellationToken);

    public Task<List<ModelAlias>> AliasesAsync(long modelId, CancellationToken cancellationToken = default) =>
        db.ModelAliases.AsNoTracking().Where(a => a.ModelId == modelId).OrderBy(a => a.Alias).ToListAsync(cancellationToken);

    /// <summary>The numbers of a model's READY versions, newest first: the versions an alias can point at.</summary>
    public Task<List<int>> ReadyVersionsAsync(long modelId, CancellationToken cancellationToken = default) =>
        db.ModelVersions.AsNoTracking().Where(v => v.ModelId == modelId && v.Status == ModelVersionStatus.Ready)
            .OrderByDescending(v => v.Version).Select(v => v.Version).Take(1000).ToListAsync(cancellationToken);

    /// <summary>
    /// One page of a model's versions, newest first, with the source runs' names and key metrics. Metrics are read only
    /// when <paramref name="withRuns"/> (the caller may read the project's runs).
    /// </summary>
    public async Task<(List<VersionSummary> Items, bool More)> ListVersionsAsync(
        long modelId, bool withRuns, int offset, int pageSize, CancellationToken cancellationToken = default)
    {
        var versions = await db.ModelVersions.AsNoTracking().Where(v => v.ModelId == modelId)
            .OrderByDescending(v => v.Version).Skip(offset).Take(pageSize + 1).ToListAsync(cancellationToken);
        var more = versions.Count > pageSize;
        if (more)
        {
            versions.RemoveAt(versions.Count - 1);
        }

        var aliases = await AliasesAsync(modelId, cancellationToken);
        var runIds = versions.Select(v => v.RunId).Distinct(StringComparer.Ordinal).ToList();
        var runs = new Dictionary<string, (string Name, long ExperimentId)>(StringComparer.Ordinal);
        var metrics = new Dictionary<string, List<LatestMetric>>(StringComparer.Ordinal);
        if (withRuns && runIds.Count > 0)
        {
            foreach (var run in await db.Runs.AsNoTracking().Where(r => runIds.Contains(r.RunUuid)).Select(r => new { r.RunUuid, r.Name, r.ExperimentId }).ToListAsync(cancellationToken))
            {
                runs[run.RunUuid] = (run.Name, run.ExperimentId);
            }

            foreach (var runId in runs.Keys)
            {
                metrics[runId] = await KeyMetricsAsync(runId, cancellationToken);
            }
        }

        return ([.. versions.Select(v => new VersionSummary(
            v,
            [.. aliases.Where(a => a.Version == v.Version).Select(a => a.Alias)],
            runs.TryGetValue(v.RunId, out var run) ? run.Name : null,
            runs.TryGetValue(v.RunId, out run) ? run.ExperimentId : null,
            metrics.TryGetValue(v.RunId, out var m) ? m : []))], more);
    }

    public Task<ModelVersion?> FindVersionAsync(long modelId, int number, CancellationToken cancellationToken = default) =>
        db.ModelVersions.AsNoTracking().FirstOrDefaultAsync(v => v.ModelId == modelId && v.Version == number, cancellationToken);

    /// <summary>The source run of a version with its experiment, latest metrics and datasets; null when the run is gone.</summary>
    public async Task<SourceRun?> SourceRunAsync(string runId, CancellationToken cancellationToken = default)
    {
        var run = await (
            from r in db.Runs.AsNoTracking()
            join e in db.Experiments on r.ExperimentId equals e.Id
            where r.RunUuid == runId
            select new { r.RunUuid, r.Name, r.Status, r.ExperimentId, Experiment = e.Name }).FirstOrDefaultAsync(cancellationToken);
        if (run is null)
        {
            return null;
        }

        var metrics = await db.LatestMetrics.AsNoTracking().Where(m => m.RunUuid == runId).OrderBy(m => m.Key).Take(100).ToListAsync(cancellationToken);
        var datasets = await db.RunDatasetInputs.AsNoTracking().Where(d => d.RunUuid == runId).OrderBy(d => d.Id).Take(MaxDatasets)
            .Select(d => new Dataset(d.Name, d.Digest, d.SourceType, d.Source)).ToListAsync(cancellationToken);
        return new SourceRun(run.RunUuid, run.Name, run.Status, run.ExperimentId, run.Experiment, metrics, datasets);
    }

    /// <summary>
    /// A READY version's files: one per layer of its manifest in the model's repository, with the raw file's path, size and
    /// digest from the layer's annotations (a FAILED_REGISTRATION version has no manifest, hence no files).
    /// </summary>
    public async Task<List<ModelFile>> FilesAsync(ResolvedModel model, ModelVersion version, CancellationToken cancellationToken = default)
    {
        if (version.ManifestDigest is not { } digest)
        {
            return [];
        }

        var content = await (
            from m in db.RegistryManifests.AsNoTracking()
            join r in db.RegistryRepositories on m.RepositoryId equals r.Id
            where r.Name == model.Repository && m.Digest == digest
            select m.Content).FirstOrDefaultAsync(cancellationToken);
        if (content is null)
        {
            return [];
        }

        return [.. ModelManifestFile.Read(content, MaxFiles).Select(f => new ModelFile(f.Path, f.Size, f.Digest, f.LayerDigest))];
    }

    private Task<List<LatestMetric>> KeyMetricsAsync(string runId, CancellationToken cancellationToken) =>
        db.LatestMetrics.AsNoTracking().Where(m => m.RunUuid == runId).OrderBy(m => m.Key).Take(MaxKeyMetrics).ToListAsync(cancellationToken);
}
