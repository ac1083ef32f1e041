using Microsoft.EntityFrameworkCore;
using Wharf.Oci;
using Wharf.Server.Data;
using Wharf.Server.Registry;
using Wharf.Server.Storage;

namespace Wharf.Server.Tracking;

/// <summary>
/// Run artifacts: rows of <see cref="RunArtifact"/> over content-addressed bytes in the <see cref="IBlobStore"/>.
/// </summary>
/// <remarks>
/// An upload streams the body into the blob store first; the store publishes the blob only once all bytes are durable
/// and hashed, so a body cut short leaves nothing. Only then is the row written (an upsert: a retried upload of the
/// same path replaces it), under the digest's <see cref="BlobLocks"/> stripe after checking the bytes are still
/// there: garbage collection re-checks for a row under the same lock before removing bytes no row records, so a row
/// never points at swept bytes. Identical files share one blob. Deleting rows leaves the bytes to garbage collection.
/// </remarks>
internal sealed class ArtifactStore(WharfDbContext db, IBlobStore blobs, BlobLocks locks, TimeProvider time)
{
    /// <summary>A file or directory directly under a listed directory; <paramref name="Size"/> is null for directories.</summary>
    public readonly record struct Entry(string Name, bool IsDirectory, long? Size);

    /// <summary>The run named by a proxy path; RESOURCE_DOES_NOT_EXIST unless it exists in that experiment.</summary>
    public async Task<Run> RunAsync(ArtifactPaths.ProxyPath path, CancellationToken cancellationToken = default)
    {
        var run = await db.Runs.AsNoTracking().FirstOrDefaultAsync(r => r.RunUuid == path.RunId, cancellationToken);
        return run is not null && run.ExperimentId == path.ExperimentId
            ? run
            : throw MlflowException.NotFound($"Run '{path.RunId}' not found in experiment {path.ExperimentId}.");
    }

    public async Task<Run> RunAsync(string runId, CancellationToken cancellationToken = default) =>
        (RunIds.IsValid(runId) ? await db.Runs.AsNoTracking().FirstOrDefaultAsync(r => r.RunUuid == runId, cancellationToken) : null)
        ?? throw MlflowException.NotFound($"Run with id={MlflowRequest.Clip(runId)} not found");

    /// <summary>Stores <paramref name="content"/> as the file at <paramref name="path"/> of an active run, replacing any earlier version.</summary>
    public async Task<RunArtifact> UploadAsync(Run run, string path, Stream content, CancellationToken cancellationToken = default)
    {
        EnsureActive(run);
        await EnsureFileSlotAsync(run.RunUuid, path, cancellationToken);

        var written = await blobs.WriteAsync(content, null, cancellationToken);
        var digest = written.Digest.ToString();
        using (await locks.AcquireAsync(written.Digest, cancellationToken))
        {
            if (await blobs.GetSizeAsync(written.Digest, cancellationToken) is null)
            {
                // Identical bytes were already stored and garbage collection removed them in between.
                throw new MlflowException(MlflowErrorCode.TemporarilyUnavailable, "The upload raced with garbage collection; retry it.");
            }

            // Deleted while the body streamed? Nothing is recorded then.
            EnsureActive(await RunAsync(run.RunUuid, cancellationToken));
            var now = time.GetUtcNow().ToUnixTimeMilliseconds();
            await db.Database.ExecuteSqlAsync(
                $"""
                INSERT INTO "tracking_artifacts" ("run_uuid", "path", "digest", "size", "created_time")
                VALUES ({run.RunUuid}, {path}, {digest}, {written.Size}, {now})
                ON CONFLICT ("run_uuid", "path") DO UPDATE SET
                    "digest" = excluded."digest", "size" = excluded."size", "created_time" = excluded."created_time"
                """,
                cancellationToken);
            return new RunArtifact { RunUuid = run.RunUuid, Path = path, Digest = digest, Size = written.Size, CreatedTime = now };
        }
    }

    /// <summary>The file at <paramref name="path"/> opened for reading; RESOURCE_DOES_NOT_EXIST when there is none.</summary>
    public async Task<(RunArtifact Artifact, Stream Content)> OpenAsync(string runId, string path, CancellationToken cancellationToken = default)
    {
        var artifact = await db.RunArtifacts.AsNoTracking().FirstOrDefaultAsync(a => a.RunUuid == runId && a.Path == path, cancellationToken)
            ?? throw MlflowException.NotFound($"No artifact '{MlflowRequest.Clip(path)}' in run {runId}.");
        var content = await blobs.OpenReadAsync(Digest.Parse(artifact.Digest), cancellationToken)
            ?? throw MlflowException.NotFound($"The bytes of artifact '{MlflowRequest.Clip(path)}' of run {runId} are missing from the blob store.");
        return (artifact, content);
    }

    /// <summary>
    /// The first <paramref name="maxBytes"/> bytes of the file at <paramref name="path"/> (fewer when the file is
    /// shorter), read from the blob by streaming so a large file is never read whole; RESOURCE_DOES_NOT_EXIST when
    /// there is no such file. The artifact row carries the file's full size.
    /// </summary>
    public async Task<(RunArtifact Artifact, byte[] Head)> ReadHeadAsync(string runId, string path, int maxBytes, CancellationToken cancellationToken = default)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(maxBytes);
        var (artifact, content) = await OpenAsync(runId, path, cancellationToken);
        await using (content)
        {
            var head = new byte[(int)Math.Min(maxBytes, artifact.Size)];
            var read = await content.ReadAtLeastAsync(head, head.Length, throwOnEndOfStream: false, cancellationToken);
            return (artifact, read == head.Length ? head : head[..read]);
        }
    }

    /// <summary>Whether <paramref name="path"/> is a directory of the run, that is, the prefix of at least one file.</summary>
    public Task<bool> IsDirectoryAsync(string runId, string path, CancellationToken cancellationToken = default)
    {
        var prefix = path + "/";
        return db.RunArtifacts.AnyAsync(a => a.RunUuid == runId && a.Path.StartsWith(prefix), cancellationToken);
    }

    /// <summary>The file at <paramref name="path"/> of the run, or null when there is none (it may be a directory).</summary>
    public Task<RunArtifact?> FindFileAsync(string runId, string path, CancellationToken cancellationToken = default) =>
        db.RunArtifacts.AsNoTracking().FirstOrDefaultAsync(a => a.RunUuid == runId && a.Path == path, cancellationToken);

    /// <summary>The files and directories directly under <paramref name="directory"/> ("" for the root), in ordinal order.</summary>
    public async Task<List<Entry>> ListAsync(string runId, string directory, CancellationToken cancellationToken = default)
    {
        var prefix = directory.Length == 0 ? "" : directory + "/";
        var rows = await db.RunArtifacts.AsNoTracking()
            .Where(a => a.RunUuid == runId && (prefix == "" || a.Path.StartsWith(prefix)))
            .Select(a => new { a.Path, a.Size })
            .ToListAsync(cancellationToken);

        var entries = new SortedDictionary<string, Entry>(StringComparer.Ordinal);
        foreach (var row in rows)
        {
            var rest = row.Path[prefix.Length..];
            var slash = rest.IndexOf('/', StringComparison.Ordinal);
            if (slash < 0)
            {
                entries[rest] = new Entry(rest, false, row.Size);
            }
            else
            {
                var name = rest[..slash];
                entries.TryAdd(name, new Entry(name, true, null));
            }
        }

        return [.. entries.Values];
    }

    /// <summary>Deletes the file at <paramref name="path"/>, or everything under it when it is a directory; the number of files deleted.</summary>
    public Task<int> DeleteAsync(string runId, string path, CancellationToken cancellationToken = default)
    {
        var prefix = path + "/";
        return db.RunArtifacts.Where(a => a.RunUuid == runId && (a.Path == path || a.Path.StartsWith(prefix))).ExecuteDeleteAsync(cancellationToken);
    }

    private static void EnsureActive(Run run)
    {
        if (run.LifecycleStage != LifecycleStage.Active)
        {
            throw MlflowException.Invalid($"The run {run.RunUuid} must be in the 'active' state to log artifacts. Current state is {run.LifecycleStage}.");
        }
    }

    /// <summary>A file may not sit where a directory is, nor below a file.</summary>
    private async Task EnsureFileSlotAsync(string runId, string path, CancellationToken cancellationToken)
    {
        var prefix = path + "/";
        if (await db.RunArtifacts.AnyAsync(a => a.RunUuid == runId && a.Path.StartsWith(prefix), cancellationToken))
        {
            throw MlflowException.Invalid($"Artifact path '{MlflowRequest.Clip(path)}' is a directory of run {runId}.");
        }

        var ancestors = new List<string>();
        for (var slash = path.IndexOf('/', StringComparison.Ordinal); slash > 0; slash = path.IndexOf('/', slash + 1))
        {
            ancestors.Add(path[..slash]);
        }

        if (ancestors.Count > 0 && await db.RunArtifacts.AnyAsync(a => a.RunUuid == runId && ancestors.Contains(a.Path), cancellationToken))
        {
            throw MlflowException.Invalid($"Artifact path '{MlflowRequest.Clip(path)}' lies below a file of run {runId}.");
        }
    }
}
