using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using Wharf.Client.Images;
using Wharf.Oci.Building;
using Wharf.Server.Data;
using Wharf.Server.Events;
using Wharf.Server.Models;

namespace Wharf.Server.Images;

/// <summary>
/// The build queue, level-triggered (ARCHITECTURE decision 5): the tables say what is owed, so a missed event, a
/// restart or a second builder changes nothing.
/// <list type="number">
/// <item>Enqueue: every READY version of a project with builds enabled, created since they were enabled, without a
/// row gets a PENDING row (<c>INSERT ... ON CONFLICT (version_id) DO NOTHING</c>).</item>
/// <item>Claim: a PENDING row, or a RUNNING row whose lease expired (its builder died mid-build), becomes RUNNING with
/// a new lease and one more attempt, by one conditional UPDATE: two builders cannot both win.</item>
/// <item>Build (<see cref="ModelImageBuilder"/>), then finish: SUCCEEDED with the digest or FAILED with the reason,
/// with its event, only if the row still carries this attempt (a builder that lost its lease drops its result).</item>
/// </list>
/// </summary>
internal sealed class ModelImageBuilds(
    WharfDbContext db, ModelImageBuilder builder, IOptions<ImagesOptions> options, TimeProvider time, ILogger<ModelImageBuilds> logger)
{
    /// <summary>Enqueues what is owed, then builds until nothing is left to claim. Returns the number of builds run.</summary>
    public async Task<int> ProcessAsync(CancellationToken cancellationToken = default)
    {
        await EnqueueAsync(cancellationToken);
        var built = 0;
        while (await ClaimAsync(cancellationToken) is { } claimed)
        {
            await RunAsync(claimed, cancellationToken);
            built++;
        }

        return built;
    }

    /// <summary>PENDING rows for READY versions of enabled projects created since builds were enabled.</summary>
    public async Task<int> EnqueueAsync(CancellationToken cancellationToken = default)
    {
        var owed = await (
            from v in db.ModelVersions
            join m in db.RegisteredModels on v.ModelId equals m.Id
            join p in db.Projects on m.ProjectId equals p.Id
            join s in db.Set<ModelImageSetting>() on p.Id equals s.ProjectId
            where s.Enabled && v.Status == ModelVersionStatus.Ready && v.CreationTime >= s.EnabledSince
                && !db.Set<ModelImageBuild>().Any(b => b.VersionId == v.Id)
            select new { VersionId = v.Id, ProjectId = p.Id, Project = p.Name, Model = m.Name, v.Version })
            .OrderBy(x => x.VersionId).Take(500).ToListAsync(cancellationToken);
        var added = 0;
        foreach (var v in owed)
        {
            added += await InsertPendingAsync(v.VersionId, v.ProjectId, ImageReference(v.Project, v.Model, v.Version), cancellationToken);
        }

        return added;
    }

    /// <summary>Asks for a (re)build of a READY version: its row becomes PENDING (created if missing), unless a build is running.</summary>
    public async Task<ModelImageBuild> RequestAsync(ResolvedModel model, ModelVersion version, CancellationToken cancellationToken = default)
    {
        var reference = ImageReference(model.Project, model.Model.Name, version.Version);
        await InsertPendingAsync(version.Id, model.Model.ProjectId, reference, cancellationToken);
        var now = time.GetUtcNow();
        await db.Set<ModelImageBuild>()
            .Where(b => b.VersionId == version.Id && (b.Status == ModelImageBuildStatuses.Succeeded || b.Status == ModelImageBuildStatuses.Failed))
            .ExecuteUpdateAsync(s => s.SetProperty(b => b.Status, ModelImageBuildStatuses.Pending).SetProperty(b => b.UpdatedAt, now)
                .SetProperty(b => b.Log, "rebuild requested\n"), cancellationToken);
        return await db.Set<ModelImageBuild>().AsNoTracking().SingleAsync(b => b.VersionId == version.Id, cancellationToken);
    }

    public static string ImageReference(string project, string model, int version) => $"{project}/images/{model}:{ModelNames.VersionTag(version)}";

    private async Task<int> InsertPendingAsync(long versionId, long projectId, string reference, CancellationToken cancellationToken)
    {
        var now = db.ToStoreTime(time.GetUtcNow());
        return await db.Database.ExecuteSqlRawAsync(
            "INSERT INTO model_image_builds (version_id, project_id, status, image_reference, log, attempts, created_at, updated_at) " +
            "VALUES ({0}, {1}, {2}, {3}, '', 0, {4}, {4}) ON CONFLICT (version_id) DO NOTHING",
            [versionId, projectId, ModelImageBuildStatuses.Pending, reference, now],
            cancellationToken);
    }

    /// <summary>Takes up one PENDING build, or a RUNNING one whose builder's lease expired; null when there is none.</summary>
    private async Task<ModelImageBuild?> ClaimAsync(CancellationToken cancellationToken)
    {
        var builds = db.Set<ModelImageBuild>();
        for (var tries = 0; tries < 10; tries++)
        {
            var now = time.GetUtcNow();
            var candidate = await builds.AsNoTracking()
                .Where(b => b.Status == ModelImageBuildStatuses.Pending || (b.Status == ModelImageBuildStatuses.Running && b.LeaseExpiresAt < now))
                .OrderBy(b => b.Id).FirstOrDefaultAsync(cancellationToken);
            if (candidate is null)
            {
                return null;
            }

            var lease = now + options.Value.LeaseDuration;
            var won = await builds
                .Where(b => b.Id == candidate.Id && b.Attempts == candidate.Attempts && b.Status == candidate.Status)
                .ExecuteUpdateAsync(s => s.SetProperty(b => b.Status, ModelImageBuildStatuses.Running)
                    .SetProperty(b => b.Attempts, b => b.Attempts + 1)
                    .SetProperty(b => b.LeaseExpiresAt, lease)
                    .SetProperty(b => b.UpdatedAt, now), cancellationToken) == 1;
            if (won)
            {
                return await builds.AsNoTracking().SingleAsync(b => b.Id == candidate.Id, cancellationToken);
            }
        }

        return null;
    }

    private async Task RunAsync(ModelImageBuild claimed, CancellationToken cancellationToken)
    {
        var target = await (
            from v in db.ModelVersions
            join m in db.RegisteredModels on v.ModelId equals m.Id
            join p in db.Projects on m.ProjectId equals p.Id
            where v.Id == claimed.VersionId
            select new ModelImageBuilder.Target(p.Name, m.Name, v.Version, v.RunId, v.ManifestDigest, v.CreationTime,
                db.Set<ModelImageSetting>().Where(s => s.ProjectId == p.Id).Select(s => s.BaseImage).FirstOrDefault(),
                db.Set<ModelImageSetting>().Where(s => s.ProjectId == p.Id).Select(s => s.RuntimeImage).FirstOrDefault()))
            .FirstOrDefaultAsync(cancellationToken);
        if (target is null)
        {
            return; // the version was deleted: its row went with it
        }

        var log = new BuildLog(time);
        log.Line($"attempt {claimed.Attempts}: building {claimed.ImageReference}");
        string? digest = null;
        string? reason = null;
        try
        {
            var result = await builder.BuildAsync(target, claimed.ImageReference, log, cancellationToken);
            digest = result.Manifest.Digest.ToString();
            Log.ImageBuilt(logger, claimed.ImageReference, digest, result.NewBlobBytes);
        }
        catch (ImageBuildException ex)
        {
            reason = ex.Message;
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            Log.ImageCrashed(logger, claimed.ImageReference, ex);
            reason = $"the build crashed: {ex.GetType().Name}: {ex.Message}";
        }

        if (reason is not null)
        {
            log.Line($"FAILED: {reason}");
            Log.ImageFailed(logger, claimed.ImageReference, reason);
        }

        db.ChangeTracker.Clear();
        await FinishAsync(claimed, target, digest, reason, log.ToString(), cancellationToken);
    }

    private async Task FinishAsync(ModelImageBuild claimed, ModelImageBuilder.Target target, string? digest, string? reason, string log, CancellationToken cancellationToken)
    {
        await using var transaction = await db.Database.BeginTransactionAsync(cancellationToken);
        var row = await db.Set<ModelImageBuild>().FirstOrDefaultAsync(b => b.Id == claimed.Id, cancellationToken);
        if (row is null || row.Attempts != claimed.Attempts || row.Status != ModelImageBuildStatuses.Running)
        {
            Log.ClaimLost(logger, claimed.ImageReference, claimed.Attempts);
            return;
        }

        row.Status = reason is null ? ModelImageBuildStatuses.Succeeded : ModelImageBuildStatuses.Failed;
        row.ManifestDigest = digest ?? row.ManifestDigest;
        row.Log = log;
        row.LeaseExpiresAt = null;
        row.UpdatedAt = time.GetUtcNow();
        var aggregate = $"model-image:{target.Project}/{target.Model}";
        if (reason is null)
        {
            db.AddEvent(new ModelImageBuilt(target.Project, target.Model, target.Version, claimed.ImageReference, digest!, target.ManifestDigest ?? ""), aggregate);
        }
        else
        {
            db.AddEvent(new ModelImageFailed(target.Project, target.Model, target.Version, claimed.ImageReference, reason), aggregate);
        }

        await db.SaveChangesAsync(cancellationToken);
        await transaction.CommitAsync(cancellationToken);
        db.ChangeTracker.Clear();
    }
}
