using Microsoft.EntityFrameworkCore;
using Wharf.Server.Auth;
using Wharf.Server.Data;
using Wharf.Server.Events;
using Wharf.Server.Registry;
using Wharf.Server.Tracking;

namespace Wharf.Server.Models;

/// <summary>
/// The model registry's operations over the request's <see cref="WharfDbContext"/>. Changes to one model (its next
/// version number, its aliases) are serialized by a per-model lock taken inside the transaction: SQLite's write
/// transactions are serial anyway; PostgreSQL takes a transaction-scoped advisory lock. Changes that touch the model's
/// registry repository (aliases, deletes) also take the registry's repository lock, in the same transaction, so the
/// alias rows and the registry tags always agree.
/// </summary>
internal sealed partial class ModelStore(
    WharfDbContext db, RegistryStore registry, ModelSignatureReader signatures, Storage.IBlobStore blobs, TimeProvider time, ILogger<ModelStore> logger)
{
    public const int MaxTagsPerRequest = 100;

    /// <summary>The model a request's <c>name</c> addresses; RESOURCE_DOES_NOT_EXIST when the caller sees none.</summary>
    public async Task<ResolvedModel> ResolveAsync(AuthPrincipal caller, string? name, CancellationToken cancellationToken = default)
    {
        var addressed = ModelNames.Parse(name ?? throw MlflowRequest.Missing("name"));
        var candidates = await ModelAccess.CandidatesAsync(db, caller, addressed, cancellationToken);
        if (candidates.Count > 1)
        {
            throw MlflowException.Invalid($"Model name '{addressed.Name}' exists in several projects; name it '<project>/{addressed.Name}'.");
        }

        if (candidates.Count == 0)
        {
            throw MlflowException.NotFound($"Registered Model with name={name} not found");
        }

        var model = await db.RegisteredModels.AsNoTracking().FirstAsync(m => m.Id == candidates[0].Id, cancellationToken);
        return new ResolvedModel(model, candidates[0].Project);
    }

    public async Task<RegisteredModel> CreateModelAsync(
        string project, string name, string? description, IReadOnlyList<KeyValuePair<string, string>> tags, string user, CancellationToken cancellationToken = default)
    {
        var projectId = await db.Projects.Where(p => p.Name == project).Select(p => (long?)p.Id).FirstOrDefaultAsync(cancellationToken)
            ?? throw MlflowException.NotFound($"Project '{project}' not found.");
        if (await db.RegisteredModels.AnyAsync(m => m.ProjectId == projectId && m.Name == name, cancellationToken))
        {
            throw MlflowException.Exists($"Registered Model (name={name}) already exists.");
        }

        var now = Now();
        var model = new RegisteredModel { ProjectId = projectId, Name = name, Description = description, UserId = user, CreationTime = now, LastUpdatedTime = now };
        await using var transaction = await db.Database.BeginTransactionAsync(cancellationToken);
        db.RegisteredModels.Add(model);
        try
        {
            await db.SaveChangesAsync(cancellationToken);
        }
        catch (DbUpdateException)
        {
            throw MlflowException.Exists($"Registered Model (name={name}) already exists.");
        }

        foreach (var (key, value) in tags)
        {
            db.RegisteredModelTags.Add(new RegisteredModelTag { ModelId = model.Id, Key = key, Value = value });
        }

        await db.SaveChangesAsync(cancellationToken);
        await transaction.CommitAsync(cancellationToken);
        return model;
    }

    public async Task UpdateDescriptionAsync(ResolvedModel model, string? description, CancellationToken cancellationToken = default)
    {
        await db.RegisteredModels.Where(m => m.Id == model.Model.Id)
            .ExecuteUpdateAsync(s => s.SetProperty(m => m.Description, description).SetProperty(m => m.LastUpdatedTime, Now()), cancellationToken);
    }

    /// <summary>Renames a model, and its registry repository with it (tags and manifests move along: they hang off the repository id).</summary>
    public async Task RenameAsync(ResolvedModel model, string newName, CancellationToken cancellationToken = default)
    {
        if (newName == model.Model.Name)
        {
            return;
        }

        await using var transaction = await db.Database.BeginTransactionAsync(cancellationToken);
        await LockModelAsync(model.Model.Id, cancellationToken);
        if (await db.RegisteredModels.AnyAsync(m => m.ProjectId == model.Model.ProjectId && m.Name == newName, cancellationToken))
        {
            throw MlflowException.Exists($"Registered Model (name={newName}) already exists.");
        }

        var target = ModelNames.Repository(model.Project, newName);
        if (await registry.FindRepositoryAsync(target, cancellationToken) is { } existing)
        {
            // A leftover repository of that name (pushed by hand, or of a deleted model) would be taken over silently.
            if (await db.RegistryManifests.AnyAsync(m => m.RepositoryId == existing.Id, cancellationToken))
            {
                throw MlflowException.Exists($"Registry repository '{target}' already exists and holds manifests; cannot rename model to '{newName}'.");
            }

            await db.RegistryRepositories.Where(r => r.Id == existing.Id).ExecuteDeleteAsync(cancellationToken);
        }

        await db.RegisteredModels.Where(m => m.Id == model.Model.Id)
            .ExecuteUpdateAsync(s => s.SetProperty(m => m.Name, newName).SetProperty(m => m.LastUpdatedTime, Now()), cancellationToken);
        await db.RegistryRepositories.Where(r => r.Name == model.Repository)
            .ExecuteUpdateAsync(s => s.SetProperty(r => r.Name, target), cancellationToken);
        await transaction.CommitAsync(cancellationToken);
    }

    /// <summary>Deletes a model with its versions, aliases and its registry repository (manifests, tags, links).</summary>
    public async Task DeleteModelAsync(ResolvedModel model, CancellationToken cancellationToken = default)
    {
        await using var transaction = await db.Database.BeginTransactionAsync(cancellationToken);
        await LockModelAsync(model.Model.Id, cancellationToken);
        if (await registry.FindRepositoryAsync(model.Repository, cancellationToken) is { } repository)
        {
            await RegistryStore.LockRepositoryAsync(db, repository.Id, cancellationToken);
            await db.RegistryTags.Where(t => t.RepositoryId == repository.Id).ExecuteDeleteAsync(cancellationToken);
            await db.RegistryManifests.Where(m => m.RepositoryId == repository.Id).ExecuteDeleteAsync(cancellationToken);
            await db.RegistryBlobLinks.Where(l => l.RepositoryId == repository.Id).ExecuteDeleteAsync(cancellationToken);
            await db.RegistryRepositories.Where(r => r.Id == repository.Id).ExecuteDeleteAsync(cancellationToken);
        }

        await db.RegisteredModels.Where(m => m.Id == model.Model.Id).ExecuteDeleteAsync(cancellationToken);
        db.AddEvent(new ModelDeleted(model.Project, model.Model.Name, model.Repository), AggregateKey(model));
        await db.SaveChangesAsync(cancellationToken);
        await transaction.CommitAsync(cancellationToken);
    }

    public async Task SetModelTagAsync(ResolvedModel model, string key, string value, CancellationToken cancellationToken = default)
    {
        var tag = await db.RegisteredModelTags.FirstOrDefaultAsync(t => t.ModelId == model.Model.Id && t.Key == key, cancellationToken);
        if (tag is null)
        {
            db.RegisteredModelTags.Add(new RegisteredModelTag { ModelId = model.Model.Id, Key = key, Value = value });
        }
        else
        {
            tag.Value = value;
        }

        await SaveUpsertAsync(cancellationToken);
    }

    public async Task DeleteModelTagAsync(ResolvedModel model, string key, CancellationToken cancellationToken = default)
    {
        if (await db.RegisteredModelTags.Where(t => t.ModelId == model.Model.Id && t.Key == key).ExecuteDeleteAsync(cancellationToken) == 0)
        {
            throw MlflowException.NotFound($"No tag with name: {key} in registered model with name {model.Model.Name}");
        }
    }

    /// <summary>The model as MLflow returns it, with its latest version per stage.</summary>
    public async Task<ModelView> ViewAsync(AuthPrincipal caller, long modelId, string project, CancellationToken cancellationToken = default)
    {
        var model = await db.RegisteredModels.AsNoTracking().FirstOrDefaultAsync(m => m.Id == modelId, cancellationToken)
            ?? throw MlflowException.NotFound("Registered Model not found");
        var views = await ViewsAsync(caller, [(model, project)], cancellationToken);
        return views[0];
    }

    private async Task<List<ModelView>> ViewsAsync(AuthPrincipal caller, IReadOnlyList<(RegisteredModel Model, string Project)> models, CancellationToken cancellationToken)
    {
        var ids = models.Select(m => m.Model.Id).ToList();
        var tags = await db.RegisteredModelTags.AsNoTracking().Where(t => ids.Contains(t.ModelId)).OrderBy(t => t.Key).ToListAsync(cancellationToken);
        var aliases = await db.ModelAliases.AsNoTracking().Where(a => ids.Contains(a.ModelId)).OrderBy(a => a.Alias).ToListAsync(cancellationToken);
        var latest = await LatestVersionsAsync(ids, [], cancellationToken);
        var versionViews = await VersionViewsAsync(caller, latest, models.ToDictionary(m => m.Model.Id, m => (m.Model.Name, m.Project)), cancellationToken);
        return [.. models.Select(m => new ModelView(
            m.Model,
            ModelNames.Display(caller, m.Project, m.Model.Name),
            [.. tags.Where(t => t.ModelId == m.Model.Id)],
            [.. aliases.Where(a => a.ModelId == m.Model.Id)],
            [.. versionViews.Where(v => v.Version.ModelId == m.Model.Id)]))];
    }

    /// <summary>The highest-numbered version of each model in each of <paramref name="stages"/> (every stage when empty).</summary>
    public async Task<List<ModelVersion>> LatestVersionsAsync(IReadOnlyList<long> modelIds, IReadOnlyList<string> stages, CancellationToken cancellationToken = default)
    {
        var query = db.ModelVersions.AsNoTracking().Where(v => modelIds.Contains(v.ModelId));
        if (stages.Count > 0)
        {
            query = query.Where(v => stages.Contains(v.CurrentStage));
        }

        var rows = await query.Select(v => new { v.ModelId, v.CurrentStage, v.Version }).ToListAsync(cancellationToken);
        var wanted = rows.GroupBy(r => (r.ModelId, r.CurrentStage)).Select(g => (g.Key.ModelId, g.Max(r => r.Version))).ToList();
        var result = new List<ModelVersion>();
        foreach (var group in wanted.GroupBy(w => w.ModelId))
        {
            var numbers = group.Select(g => g.Item2).ToList();
            result.AddRange(await db.ModelVersions.AsNoTracking().Where(v => v.ModelId == group.Key && numbers.Contains(v.Version)).ToListAsync(cancellationToken));
        }

        return [.. result.OrderBy(v => v.ModelId).ThenBy(v => v.Version)];
    }

    public async Task<List<VersionView>> VersionViewsAsync(
        AuthPrincipal caller, IReadOnlyList<ModelVersion> versions, IReadOnlyDictionary<long, (string Name, string Project)> models, CancellationToken cancellationToken = default)
    {
        var ids = versions.Select(v => v.Id).ToList();
        var modelIds = versions.Select(v => v.ModelId).Distinct().ToList();
        var tags = await db.ModelVersionTags.AsNoTracking().Where(t => ids.Contains(t.VersionId)).OrderBy(t => t.Key).ToListAsync(cancellationToken);
        var aliases = await db.ModelAliases.AsNoTracking().Where(a => modelIds.Contains(a.ModelId)).OrderBy(a => a.Alias).ToListAsync(cancellationToken);
        return [.. versions.Select(v => new VersionView(
            v,
            ModelNames.Display(caller, models[v.ModelId].Project, models[v.ModelId].Name),
            [.. tags.Where(t => t.VersionId == v.Id)],
            [.. aliases.Where(a => a.ModelId == v.ModelId && a.Version == v.Version).Select(a => a.Alias)]))];
    }

    public async Task<VersionView> VersionViewAsync(AuthPrincipal caller, ResolvedModel model, int version, CancellationToken cancellationToken = default)
    {
        var row = await FindVersionAsync(model, version, cancellationToken);
        var views = await VersionViewsAsync(caller, [row], new Dictionary<long, (string, string)> { [model.Model.Id] = (model.Model.Name, model.Project) }, cancellationToken);
        return views[0];
    }

    public async Task<ModelVersion> FindVersionAsync(ResolvedModel model, int version, CancellationToken cancellationToken = default) =>
        await db.ModelVersions.AsNoTracking().FirstOrDefaultAsync(v => v.ModelId == model.Model.Id && v.Version == version, cancellationToken)
        ?? throw MlflowException.NotFound($"Model Version (name={model.Model.Name}, version={version}) not found");

    /// <summary>Serializes changes to one model within the current transaction (see the class remarks).</summary>
    private async Task LockModelAsync(long modelId, CancellationToken cancellationToken)
    {
        if (db.Database.IsNpgsql())
        {
            await db.Database.ExecuteSqlRawAsync("SELECT pg_advisory_xact_lock({0}, {1})", [ModelLockClass, (int)modelId], cancellationToken);
        }
    }

    /// <summary>The advisory-lock class of model locks (the first key of PostgreSQL's two-key form).</summary>
    private const int ModelLockClass = 0x574D; // "WM"

    /// <summary>Saves a tag upsert; a concurrent insert of the same key makes it an update on the second attempt.</summary>
    private async Task SaveUpsertAsync(CancellationToken cancellationToken)
    {
        try
        {
            await db.SaveChangesAsync(cancellationToken);
        }
        catch (DbUpdateException)
        {
            throw new MlflowException(MlflowErrorCode.TemporarilyUnavailable, "A concurrent request changed the same tag; retry.");
        }
    }

    private static string AggregateKey(ResolvedModel model) => $"model:{model.Model.Id}";

    private long Now() => time.GetUtcNow().ToUnixTimeMilliseconds();
}
