using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using Wharf.Client.Models;
using Wharf.Server.Data;

namespace Wharf.Server.Models;

/// <summary>
/// Reads for Wharf's model API (<see cref="ModelApiEndpoints"/>): a project's models, one model with its versions and
/// aliases, one version with its files (the layers of its stored manifest), signature and lineage.
/// </summary>
internal static class ModelApiViews
{
    public static async Task<ModelPage> ListAsync(WharfDbContext db, long projectId, string project, string? last, int count, CancellationToken cancellationToken = default)
    {
        var query = db.RegisteredModels.AsNoTracking().Where(m => m.ProjectId == projectId);
        if (last is not null)
        {
            query = query.Where(m => string.Compare(m.Name, last) > 0);
        }

        var models = await query.OrderBy(m => m.Name).Take(count + 1).ToListAsync(cancellationToken);
        var more = models.Count > count;
        if (more)
        {
            models.RemoveAt(count);
        }

        var ids = models.Select(m => m.Id).ToList();
        var latest = await db.ModelVersions.AsNoTracking().Where(v => ids.Contains(v.ModelId))
            .GroupBy(v => v.ModelId).Select(g => new { ModelId = g.Key, Version = g.Max(v => v.Version) })
            .ToDictionaryAsync(x => x.ModelId, x => x.Version, cancellationToken);
        var aliases = await db.ModelAliases.AsNoTracking().Where(a => ids.Contains(a.ModelId)).OrderBy(a => a.Alias).ToListAsync(cancellationToken);
        var summaries = models.Select(m => new ModelSummary(
            project, m.Name, m.Description, latest.TryGetValue(m.Id, out var v) ? v : null,
            [.. aliases.Where(a => a.ModelId == m.Id).Select(a => new ModelAliasInfo(a.Alias, a.Version))],
            Time(m.CreationTime), Time(m.LastUpdatedTime))).ToList();
        return new ModelPage(summaries, more ? models[^1].Name : null);
    }

    public static async Task<ModelInfo> ModelAsync(WharfDbContext db, ResolvedModel model, CancellationToken cancellationToken = default)
    {
        var row = await db.RegisteredModels.AsNoTracking().FirstAsync(m => m.Id == model.Model.Id, cancellationToken);
        var aliases = await db.ModelAliases.AsNoTracking().Where(a => a.ModelId == row.Id).OrderBy(a => a.Alias).ToListAsync(cancellationToken);
        var versions = await db.ModelVersions.AsNoTracking().Where(v => v.ModelId == row.Id).OrderByDescending(v => v.Version).ToListAsync(cancellationToken);
        return new ModelInfo(
            model.Project, row.Name, row.Description, ModelNames.Repository(model.Project, row.Name),
            [.. aliases.Select(a => new ModelAliasInfo(a.Alias, a.Version))],
            [.. versions.Select(v => new ModelVersionSummary(
                v.Version, v.Status, v.StatusMessage, v.RunId, v.Source,
                [.. aliases.Where(a => a.Version == v.Version).Select(a => a.Alias)], Time(v.CreationTime)))],
            Time(row.CreationTime), Time(row.LastUpdatedTime));
    }

    /// <summary>A version in full; <paramref name="registryHost"/> is the host (and port) clients pull from.</summary>
    public static async Task<ModelVersionInfo> VersionAsync(
        WharfDbContext db, ResolvedModel model, ModelVersion version, string registryHost, CancellationToken cancellationToken = default)
    {
        var aliases = await db.ModelAliases.AsNoTracking().Where(a => a.ModelId == version.ModelId && a.Version == version.Version)
            .OrderBy(a => a.Alias).Select(a => a.Alias).ToListAsync(cancellationToken);
        var files = new List<ModelFileInfo>();
        string? reference = null;
        if (version.ManifestDigest is { } digest)
        {
            var repository = model.Repository;
            var content = await (
                from m in db.RegistryManifests.AsNoTracking()
                join r in db.RegistryRepositories on m.RepositoryId equals r.Id
                where r.Name == repository && m.Digest == digest
                select m.Content).FirstOrDefaultAsync(cancellationToken);
            if (content is not null)
            {
                files = Layers(content);
                reference = $"{registryHost}/{repository}:{ModelNames.VersionTag(version.Version)}";
            }
        }

        var run = await (
            from r in db.Runs.AsNoTracking()
            join e in db.Experiments on r.ExperimentId equals e.Id
            where r.RunUuid == version.RunId
            select new { r.Name, r.ExperimentId, Experiment = e.Name }).FirstOrDefaultAsync(cancellationToken);
        var datasets = await db.RunDatasetInputs.AsNoTracking().Where(d => d.RunUuid == version.RunId).OrderBy(d => d.Id)
            .Select(d => new ModelDatasetInfo(d.Name, d.Digest, d.SourceType, d.Source)).ToListAsync(cancellationToken);
        JsonElement? signature = version.Signature is { } json ? JsonDocument.Parse(json).RootElement.Clone() : null;
        return new ModelVersionInfo(
            model.Project, model.Model.Name, version.Version, version.Status, version.StatusMessage, version.Description, version.Source,
            aliases, Time(version.CreationTime), signature, reference, reference is null ? null : version.ManifestDigest, files,
            new ModelLineage(
                version.RunId, run?.Name, run?.ExperimentId.ToString(System.Globalization.CultureInfo.InvariantCulture), run?.Experiment, datasets));
    }

    /// <summary>The files of a model manifest this server wrote: the raw files' paths, digests and sizes, and their layers.</summary>
    private static List<ModelFileInfo> Layers(byte[] manifest)
        => [.. ModelManifestFile.Read(manifest).Select(f => new ModelFileInfo(f.Path, f.Digest, f.Size, f.LayerDigest, f.LayerSize, f.LayerMediaType))];

    private static DateTimeOffset Time(long epochMilliseconds) => DateTimeOffset.FromUnixTimeMilliseconds(epochMilliseconds);
}
