using Microsoft.EntityFrameworkCore;
using Wharf.Server.Events;
using Wharf.Server.Registry;
using Wharf.Server.Tracking;

namespace Wharf.Server.Models;

internal sealed partial class ModelStore
{
    /// <summary>
    /// Points an alias at a READY version: the alias row and the registry tag <c>&lt;project&gt;/models/&lt;name&gt;:&lt;alias&gt;</c>
    /// move in one transaction, under the model's and the repository's locks, with the <c>models.alias-set</c> event.
    /// </summary>
    public async Task SetAliasAsync(ResolvedModel model, string alias, int number, CancellationToken cancellationToken = default)
    {
        await using var transaction = await db.Database.BeginTransactionAsync(cancellationToken);
        await LockModelAsync(model.Model.Id, cancellationToken);
        var version = await db.ModelVersions.AsNoTracking().FirstOrDefaultAsync(v => v.ModelId == model.Model.Id && v.Version == number, cancellationToken)
            ?? throw MlflowException.NotFound($"Model Version (name={model.Model.Name}, version={number}) not found");
        if (version.Status != ModelVersionStatus.Ready || version.ManifestDigest is not { } digest)
        {
            throw MlflowException.Invalid($"Model version {number} of '{model.Model.Name}' is {version.Status}, not READY: only a registered version can take an alias.");
        }

        var repository = await registry.FindRepositoryAsync(model.Repository, cancellationToken)
            ?? throw new InvalidOperationException($"the repository {model.Repository} of a READY version is missing");
        await RegistryStore.LockRepositoryAsync(db, repository.Id, cancellationToken);
        var manifestId = await db.RegistryManifests.Where(m => m.RepositoryId == repository.Id && m.Digest == digest).Select(m => (long?)m.Id).FirstOrDefaultAsync(cancellationToken)
            ?? throw new InvalidOperationException($"the manifest {digest} of a READY version is missing from {model.Repository}");
        await db.Database.ExecuteSqlRawAsync(
            "INSERT INTO registry_tags (repository_id, name, manifest_id, updated_at) VALUES ({0}, {1}, {2}, {3}) " +
            "ON CONFLICT (repository_id, name) DO UPDATE SET manifest_id = excluded.manifest_id, updated_at = excluded.updated_at",
            [repository.Id, alias, manifestId, db.ToStoreTime(time.GetUtcNow())],
            cancellationToken);

        var row = await db.ModelAliases.FirstOrDefaultAsync(a => a.ModelId == model.Model.Id && a.Alias == alias, cancellationToken);
        int? previous = row?.Version;
        if (row is null)
        {
            db.ModelAliases.Add(new ModelAlias { ModelId = model.Model.Id, Alias = alias, Version = number });
        }
        else
        {
            row.Version = number;
        }

        db.AddEvent(
            new ModelAliasSet(model.Project, model.Model.Name, alias, number, previous, model.Repository, $"{model.Repository}:{alias}", digest),
            AggregateKey(model));
        await db.SaveChangesAsync(cancellationToken);
        await transaction.CommitAsync(cancellationToken);
        db.ChangeTracker.Clear();
        Log.AliasSet(logger, model.Project, model.Model.Name, alias, number);
    }

    /// <summary>Deletes an alias and its registry tag in one transaction, with the <c>models.alias-deleted</c> event.</summary>
    public async Task DeleteAliasAsync(ResolvedModel model, string alias, CancellationToken cancellationToken = default)
    {
        await using var transaction = await db.Database.BeginTransactionAsync(cancellationToken);
        await LockModelAsync(model.Model.Id, cancellationToken);
        var row = await db.ModelAliases.FirstOrDefaultAsync(a => a.ModelId == model.Model.Id && a.Alias == alias, cancellationToken)
            ?? throw MlflowException.NotFound($"Registered model alias {alias} not found.");
        if (await registry.FindRepositoryAsync(model.Repository, cancellationToken) is { } repository)
        {
            await RegistryStore.LockRepositoryAsync(db, repository.Id, cancellationToken);
            await db.RegistryTags.Where(t => t.RepositoryId == repository.Id && t.Name == alias).ExecuteDeleteAsync(cancellationToken);
        }

        db.ModelAliases.Remove(row);
        db.AddEvent(
            new ModelAliasDeleted(model.Project, model.Model.Name, alias, row.Version, model.Repository, $"{model.Repository}:{alias}"),
            AggregateKey(model));
        await db.SaveChangesAsync(cancellationToken);
        await transaction.CommitAsync(cancellationToken);
        db.ChangeTracker.Clear();
    }

    /// <summary>The version an alias points at.</summary>
    public async Task<int> VersionOfAliasAsync(ResolvedModel model, string alias, CancellationToken cancellationToken = default) =>
        await db.ModelAliases.Where(a => a.ModelId == model.Model.Id && a.Alias == alias).Select(a => (int?)a.Version).FirstOrDefaultAsync(cancellationToken)
        ?? throw MlflowException.NotFound($"Registered model alias {alias} not found.");
}
