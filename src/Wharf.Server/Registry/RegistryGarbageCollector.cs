using System.Diagnostics;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using Prometheus;
using Wharf.Oci;
using Wharf.Server.Data;
using Wharf.Server.Hosting;
using Wharf.Server.Storage;

namespace Wharf.Server.Registry;

/// <summary>
/// Online garbage collection: the registry keeps serving pushes and pulls while it runs.
/// </summary>
/// <remarks>
/// Reachability, in sweep order, each step only touching things older than the grace period:
/// <list type="number">
/// <item>Upload sessions untouched for longer than their lifetime expire, with their staged bytes.</item>
/// <item>Manifests that no tag names, no index of the same repository lists, and that are not a referrer of a
/// manifest still present, are deleted; repeated, because deleting an index frees its children.</item>
/// <item>Blob links that no remaining manifest of their repository references are deleted.</item>
/// <item>Blobs no repository links are deleted, bytes and row.</item>
/// <item>Stored blobs no row records (neither a registry blob nor a run artifact) are deleted: the bytes of an upload interrupted (a crash) between publishing them
/// and recording them, which nothing else would ever remove.</item>
/// </list>
/// Each repository is swept in its own short transaction holding the repository lock that manifest pushes and tag
/// changes also take, and each statement re-checks its conditions, so a push that lands mid-sweep is either seen
/// (and its content kept) or lands after (and re-creates what it needs). Blob removal re-checks under the digest
/// lock that uploads hold while recording, so bytes are never removed under a fresh row. The grace period covers
/// the gap between pushing a blob and pushing the manifest that needs it.
/// </remarks>
internal sealed class RegistryGarbageCollector(
    IDbContextFactory<WharfDbContext> contexts,
    IBlobStore blobs,
    BlobLocks locks,
    TimeProvider time,
    IOptions<RegistryOptions> options,
    ILogger<RegistryGarbageCollector> logger)
{
    private static readonly Counter Swept = Metrics.CreateCounter(
        "wharf_registry_gc_swept_total", "Objects removed by registry garbage collection.", "kind");

    private static readonly Counter BytesFreed = Metrics.CreateCounter(
        "wharf_registry_gc_freed_bytes_total", "Blob bytes freed by registry garbage collection.");

    private static readonly Histogram Duration = Metrics.CreateHistogram(
        "wharf_registry_gc_duration_seconds", "Wall time of registry garbage collection runs.");

    private const int UnrecordedBatchSize = 500;

    private const int BlobSweepBatchSize = 200;

    private readonly SemaphoreSlim _singleRun = new(1, 1);

    public async Task<GarbageCollectionReport> CollectAsync(CancellationToken cancellationToken = default)
    {
        // One run at a time: the schedule and `wharf registry gc` may ask together.
        await _singleRun.WaitAsync(cancellationToken);
        try
        {
            var watch = Stopwatch.StartNew();
            var now = time.GetUtcNow();
            var cutoff = now - options.Value.GarbageCollectionGracePeriod;
            var uploads = await ExpireUploadsAsync(now - options.Value.UploadSessionLifetime, cancellationToken);
            var manifests = await SweepManifestsAsync(cutoff, cancellationToken);
            var links = await SweepLinksAsync(cutoff, cancellationToken);
            Failpoints.Hit(RegistryFailpoints.GarbageCollectionAfterLinkSweep);
            var (blobCount, bytes) = await SweepBlobsAsync(cutoff, cancellationToken);
            var (unrecordedCount, unrecordedBytes) = await SweepUnrecordedBlobsAsync(cutoff, cancellationToken);
            blobCount += unrecordedCount;
            bytes += unrecordedBytes;

            var report = new GarbageCollectionReport(manifests, links, blobCount, bytes, uploads, watch.Elapsed);
            Swept.WithLabels("upload").Inc(uploads);
            Swept.WithLabels("manifest").Inc(manifests);
            Swept.WithLabels("blob_link").Inc(links);
            Swept.WithLabels("blob").Inc(blobCount);
            BytesFreed.Inc(bytes);
            Duration.Observe(watch.Elapsed.TotalSeconds);
            Log.GarbageCollected(logger, manifests, links, blobCount, bytes, uploads, watch.Elapsed.TotalMilliseconds);
            return report;
        }
        finally
        {
            _singleRun.Release();
        }
    }

    private async Task<int> ExpireUploadsAsync(DateTimeOffset expiredBefore, CancellationToken cancellationToken)
    {
        await using var db = await contexts.CreateDbContextAsync(cancellationToken);
        var expired = await db.RegistryUploads.Where(u => u.UpdatedAt < expiredBefore).Select(u => u.Id).ToListAsync(cancellationToken);
        foreach (var id in expired)
        {
            await blobs.DeleteStagedAsync(id, cancellationToken);
            await db.RegistryUploads.Where(u => u.Id == id).ExecuteDeleteAsync(cancellationToken);
        }

        return expired.Count;
    }

    private async Task<int> SweepManifestsAsync(DateTimeOffset cutoff, CancellationToken cancellationToken)
    {
        var total = 0;

        // Each round can free the children of the indexes the previous round deleted; nesting is shallow in
        // practice, and the bound keeps a pathological chain from holding the collector forever.
        for (var round = 0; round < 16; round++)
        {
            var deleted = 0;
            foreach (var repositoryId in await RepositoriesAsync(cancellationToken))
            {
                deleted += await DeleteInRepositoryAsync(
                    repositoryId,
                    cutoff,
                    """
                    DELETE FROM registry_manifests
                    WHERE repository_id = {0} AND created_at < {1}
                      AND NOT EXISTS (SELECT 1 FROM registry_tags WHERE registry_tags.manifest_id = registry_manifests.id)
                      AND NOT EXISTS (
                        SELECT 1 FROM registry_manifest_references
                        CROSS JOIN registry_manifests AS parent
                        WHERE parent.id = registry_manifest_references.manifest_id
                          AND registry_manifest_references.kind = 1
                          AND registry_manifest_references.digest = registry_manifests.digest
                          AND parent.repository_id = registry_manifests.repository_id)
                      AND (registry_manifests.subject_digest IS NULL OR NOT EXISTS (
                        SELECT 1 FROM registry_manifests AS subject
                        WHERE subject.repository_id = registry_manifests.repository_id
                          AND subject.digest = registry_manifests.subject_digest))
                    """,
                    cancellationToken);
            }

            total += deleted;
            if (deleted == 0)
            {
                break;
            }
        }

        return total;
    }

    private async Task<int> SweepLinksAsync(DateTimeOffset cutoff, CancellationToken cancellationToken)
    {
        var total = 0;
        foreach (var repositoryId in await RepositoriesAsync(cancellationToken))
        {
            total += await DeleteInRepositoryAsync(
                repositoryId,
                cutoff,
                """
                DELETE FROM registry_blob_links
                WHERE repository_id = {0} AND created_at < {1}
                  AND NOT EXISTS (
                    SELECT 1 FROM registry_manifest_references
                    CROSS JOIN registry_manifests
                    WHERE registry_manifests.id = registry_manifest_references.manifest_id
                      AND registry_manifest_references.kind = 0
                      AND registry_manifest_references.digest = registry_blob_links.digest
                      AND registry_manifests.repository_id = registry_blob_links.repository_id)
                """,
                cancellationToken);
        }

        return total;
    }

    private async Task<(int Count, long Bytes)> SweepBlobsAsync(DateTimeOffset cutoff, CancellationToken cancellationToken)
    {
        List<string> candidates;
        await using (var db = await contexts.CreateDbContextAsync(cancellationToken))
        {
            candidates = await db.RegistryBlobs
                .Where(b => b.CreatedAt < cutoff && !db.RegistryBlobLinks.Any(l => l.Digest == b.Digest))
                .Select(b => b.Digest)
                .ToListAsync(cancellationToken);
        }

        // Batches, not one transaction per blob: at 10,000 images the per-blob context, transaction and commit were
        // most of the collector's time. Each batch holds the digest locks of its blobs for a few milliseconds.
        var count = 0;
        long bytes = 0;
        foreach (var batch in candidates.Chunk(BlobSweepBatchSize))
        {
            var (swept, freed) = await SweepBlobBatchAsync(batch, cancellationToken);
            count += swept;
            bytes += freed;
        }

        return (count, bytes);
    }

    private async Task<(int Count, long Bytes)> SweepBlobBatchAsync(string[] batch, CancellationToken cancellationToken)
    {
        using var held = await locks.AcquireAllAsync(batch.Select(Digest.Parse), cancellationToken);
        await using var db = await contexts.CreateDbContextAsync(cancellationToken);
        await using var transaction = await db.Database.BeginTransactionAsync(cancellationToken);
        var unlinked = await db.RegistryBlobs
            .Where(b => batch.Contains(b.Digest) && !db.RegistryBlobLinks.Any(l => l.Digest == b.Digest))
            .Select(b => new { b.Digest, b.Size })
            .ToListAsync(cancellationToken);
        if (unlinked.Count == 0)
        {
            return (0, 0); // all linked again since the candidates were read
        }

        var keys = unlinked.Select(b => b.Digest).ToList();
        var removed = await db.RegistryBlobs
            .Where(b => keys.Contains(b.Digest) && !db.RegistryBlobLinks.Any(l => l.Digest == b.Digest))
            .ExecuteDeleteAsync(cancellationToken);
        if (removed != keys.Count)
        {
            // Uploads and mounts link under the digest locks held here, so the rows cannot change in between; should
            // a path ever link without them, the batch is left whole to the next run rather than guessed at.
            await transaction.RollbackAsync(cancellationToken);
            return (0, 0);
        }

        // Bytes first, then the commit: a crash in between leaves rows whose bytes are gone, which pulls report as
        // unknown and the next run removes; the other order could leave bytes nothing accounts for. Bytes that a run
        // artifact also records stay (artifacts record under the same locks).
        var artifacts = (await db.RunArtifacts.Where(a => keys.Contains(a.Digest)).Select(a => a.Digest).Distinct().ToListAsync(cancellationToken))
            .ToHashSet(StringComparer.Ordinal);
        foreach (var key in keys.Where(k => !artifacts.Contains(k)))
        {
            await blobs.DeleteAsync(Digest.Parse(key), cancellationToken);
        }

        await transaction.CommitAsync(cancellationToken);
        return (unlinked.Count, unlinked.Sum(b => b.Size));
    }

    /// <summary>
    /// Removes stored bytes that no row records and that were written before the cutoff. An upload publishes its bytes
    /// and then records them under the digest's lock, so the re-check under that lock never removes bytes about to be
    /// recorded; if it wins the race against a slow upload whose bytes are older than the cutoff, the upload finds
    /// them gone and asks its client to retry, exactly as when the recorded copy is swept.
    /// </summary>
    private async Task<(int Count, long Bytes)> SweepUnrecordedBlobsAsync(DateTimeOffset cutoff, CancellationToken cancellationToken)
    {
        var swept = (Count: 0, Bytes: 0L);
        var batch = new List<BlobEntry>(UnrecordedBatchSize);
        await foreach (var entry in blobs.ListAsync(cancellationToken))
        {
            // Bytes of unknown age (a store that keeps no times) are never taken for leftovers.
            if (RegistryBlobFiles.LastWritten(blobs, entry.Digest) is { } written && written < cutoff)
            {
                batch.Add(entry);
            }

            if (batch.Count == UnrecordedBatchSize)
            {
                var result = await SweepUnrecordedBatchAsync(batch, cutoff, cancellationToken);
                swept = (swept.Count + result.Count, swept.Bytes + result.Bytes);
                batch.Clear();
            }
        }

        var last = await SweepUnrecordedBatchAsync(batch, cutoff, cancellationToken);
        swept = (swept.Count + last.Count, swept.Bytes + last.Bytes);
        if (swept.Count > 0)
        {
            Log.UnrecordedBlobsSwept(logger, swept.Count, swept.Bytes);
        }

        return swept;
    }

    private async Task<(int Count, long Bytes)> SweepUnrecordedBatchAsync(List<BlobEntry> batch, DateTimeOffset cutoff, CancellationToken cancellationToken)
    {
        if (batch.Count == 0)
        {
            return (0, 0);
        }

        HashSet<string> recorded;
        await using (var db = await contexts.CreateDbContextAsync(cancellationToken))
        {
            var keys = batch.Select(e => e.Digest.ToString()).ToList();
            recorded = (await db.RegistryBlobs.Where(b => keys.Contains(b.Digest)).Select(b => b.Digest).ToListAsync(cancellationToken))
                .ToHashSet(StringComparer.Ordinal);
            recorded.UnionWith(await db.RunArtifacts.Where(a => keys.Contains(a.Digest)).Select(a => a.Digest).Distinct().ToListAsync(cancellationToken));
        }

        var count = 0;
        long bytes = 0;
        foreach (var entry in batch.Where(e => !recorded.Contains(e.Digest.ToString())))
        {
            var key = entry.Digest.ToString();
            using var held = await locks.AcquireAsync(entry.Digest, cancellationToken);
            await using var db = await contexts.CreateDbContextAsync(cancellationToken);
            if (await db.RegistryBlobs.AnyAsync(b => b.Digest == key, cancellationToken)
                || await db.RunArtifacts.AnyAsync(a => a.Digest == key, cancellationToken)
                || RegistryBlobFiles.LastWritten(blobs, entry.Digest) is not { } written
                || written >= cutoff
                || !await blobs.DeleteAsync(entry.Digest, cancellationToken))
            {
                continue;
            }

            count++;
            bytes += entry.Size;
        }

        return (count, bytes);
    }

    private async Task<List<long>> RepositoriesAsync(CancellationToken cancellationToken)
    {
        await using var db = await contexts.CreateDbContextAsync(cancellationToken);
        return await db.RegistryRepositories.OrderBy(r => r.Id).Select(r => r.Id).ToListAsync(cancellationToken);
    }

    // The reference probes in the sweep statements are written `references CROSS JOIN manifests`: SQLite takes
    // CROSS JOIN as the join order, so it looks the digest up in the references' digest index and then the one
    // manifest by id. Left to choose (it keeps no statistics), it walked every manifest of the repository for each
    // row swept: quadratic, 65 s of CPU at 10,000 images. PostgreSQL reads CROSS JOIN ... WHERE as an inner join
    // and plans it from its statistics.

    /// <summary>
    /// Runs one sweep statement over one repository in its own short transaction, holding the repository lock that
    /// manifest pushes and tag changes take. <paramref name="sql"/> gets the repository id as <c>{0}</c> and the
    /// cutoff as <c>{1}</c>, and re-checks every condition itself.
    /// </summary>
    private async Task<int> DeleteInRepositoryAsync(long repositoryId, DateTimeOffset cutoff, string sql, CancellationToken cancellationToken)
    {
        await using var db = await contexts.CreateDbContextAsync(cancellationToken);
        await using var transaction = await db.Database.BeginTransactionAsync(cancellationToken);
        await RegistryStore.LockRepositoryAsync(db, repositoryId, cancellationToken);
        var deleted = await db.Database.ExecuteSqlRawAsync(sql, [repositoryId, db.ToStoreTime(cutoff)], cancellationToken);
        await transaction.CommitAsync(cancellationToken);
        return deleted;
    }
}
