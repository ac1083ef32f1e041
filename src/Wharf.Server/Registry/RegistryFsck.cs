using System.Data;
using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Storage;
using Microsoft.Extensions.Options;
using Wharf.Client.Registry;
using Wharf.Oci;
using Wharf.Server.Data;
using Wharf.Server.Storage;

namespace Wharf.Server.Registry;

/// <summary>
/// Checks the registry's invariants (<c>wharf fsck</c>) and reports every violation; repairs only when asked, and
/// then only by removing leftovers nothing can refer to.
/// </summary>
/// <remarks>
/// <para>The invariants, each with the problem kind that reports its violation (<see cref="RegistryProblemKinds"/>):</para>
/// <list type="bullet">
/// <item>A blob row means its bytes are stored with the recorded size (<c>blob-missing</c>, <c>blob-size-mismatch</c>)
/// and, in the deep mode, hash to the name (<c>blob-corrupt</c>). Stored bytes are recorded, or younger than the grace
/// period and so possibly in flight (<c>blob-orphan</c>).</item>
/// <item>Links, tags and manifest references point at things that exist in the same repository (<c>link-dangling</c>,
/// <c>tag-dangling</c>, <c>manifest-blob-unlinked</c>, <c>manifest-child-missing</c>); in the deep mode a manifest's
/// bytes hash to its digest and agree with its recorded references (<c>manifest-corrupt</c>).</item>
/// <item>Staged upload files belong to a session (<c>upload-orphan</c>), and sessions have not outlived their lifetime
/// (<c>upload-expired</c>). A session without a staged file is fine: it has received no bytes yet.</item>
/// </list>
/// <para>
/// It runs online. The database checks read one snapshot, so they see a consistent state however pushes interleave.
/// Anything that compares the snapshot with the blob store is re-checked before it is reported, against a fresh read
/// and under the digest's lock (which uploads hold while recording and garbage collection while sweeping), so a push
/// or a sweep in flight is not reported as damage.
/// </para>
/// <para>Memory grows with the number of blobs (the set of recorded digests, about 100 bytes each); manifests are
/// read in pages.</para>
/// </remarks>
internal sealed class RegistryFsck(
    IDbContextFactory<WharfDbContext> contexts,
    IBlobStore blobs,
    BlobLocks locks,
    TimeProvider time,
    IOptions<RegistryOptions> options,
    ILogger<RegistryFsck> logger)
{
    private const int ManifestPageSize = 64;

    public async Task<RegistryCheckReport> CheckAsync(bool verify, bool repair, CancellationToken cancellationToken = default)
    {
        var started = time.GetTimestamp();
        var now = time.GetUtcNow();
        var run = new Run(verify, repair, now - options.Value.GarbageCollectionGracePeriod);

        Snapshot snapshot;
        await using (var db = await contexts.CreateDbContextAsync(cancellationToken))
        {
            await using var transaction = await BeginSnapshotAsync(db, cancellationToken);
            snapshot = await CheckDatabaseAsync(db, run, now - options.Value.UploadSessionLifetime, cancellationToken);
            await transaction.RollbackAsync(cancellationToken);
        }

        await CheckBlobRowsAsync(snapshot, run, cancellationToken);
        await CheckStoredBlobsAsync(snapshot, run, cancellationToken);
        await CheckStagedUploadsAsync(snapshot, run, cancellationToken);

        var elapsed = time.GetElapsedTime(started);
        var report = new RegistryCheckReport(verify, repair, run.Counts(), run.Problems, Math.Round(elapsed.TotalMilliseconds, 1));
        Log.RegistryChecked(
            logger, run.Problems.Count(p => p.Severity == RegistryProblemSeverity.Corruption),
            run.Problems.Count(p => p.Severity == RegistryProblemSeverity.Orphan), run.Problems.Count(p => p.Repaired),
            verify, elapsed.TotalMilliseconds);
        return report;
    }

    /// <summary>
    /// A read-only snapshot. SQLite: a deferred transaction, which in WAL mode reads one snapshot without taking the
    /// write lock (Microsoft.Data.Sqlite's default transaction is IMMEDIATE and would stall every push meanwhile).
    /// PostgreSQL: REPEATABLE READ.
    /// </summary>
    private static async Task<IDbContextTransaction> BeginSnapshotAsync(WharfDbContext db, CancellationToken cancellationToken)
    {
        if (db.Database.IsNpgsql())
        {
            return await db.Database.BeginTransactionAsync(IsolationLevel.RepeatableRead, cancellationToken);
        }

        await db.Database.OpenConnectionAsync(cancellationToken);
        var connection = (SqliteConnection)db.Database.GetDbConnection();
        var transaction = connection.BeginTransaction(deferred: true);
        return await db.Database.UseTransactionAsync(transaction, cancellationToken)
            ?? throw new InvalidOperationException("EF Core did not take the SQLite snapshot transaction");
    }

    private async Task<Snapshot> CheckDatabaseAsync(WharfDbContext db, Run run, DateTimeOffset expiredBefore, CancellationToken cancellationToken)
    {
        var blobRows = new Dictionary<string, long>(StringComparer.Ordinal);
        await foreach (var row in db.RegistryBlobs.AsNoTracking().Select(b => new { b.Digest, b.Size }).AsAsyncEnumerable().WithCancellation(cancellationToken))
        {
            blobRows[row.Digest] = row.Size;
        }

        run.BlobLinks = await db.RegistryBlobLinks.CountAsync(cancellationToken);
        run.Manifests = await db.RegistryManifests.CountAsync(cancellationToken);
        run.Tags = await db.RegistryTags.CountAsync(cancellationToken);

        var danglingLinks = await (
            from link in db.RegistryBlobLinks
            join repository in db.RegistryRepositories on link.RepositoryId equals repository.Id
            where !db.RegistryBlobs.Any(b => b.Digest == link.Digest)
            select new { Repository = repository.Name, link.Digest }).ToListAsync(cancellationToken);
        foreach (var link in danglingLinks)
        {
            run.Corruption(RegistryProblemKinds.LinkDangling, $"{link.Repository}@{link.Digest}", $"{link.Repository} links blob {link.Digest}, which is not recorded");
        }

        var danglingTags = await (
            from tag in db.RegistryTags
            join repository in db.RegistryRepositories on tag.RepositoryId equals repository.Id
            where !db.RegistryManifests.Any(m => m.Id == tag.ManifestId && m.RepositoryId == tag.RepositoryId)
            select new { Repository = repository.Name, tag.Name, tag.ManifestId }).ToListAsync(cancellationToken);
        foreach (var tag in danglingTags)
        {
            run.Corruption(RegistryProblemKinds.TagDangling, $"{tag.Repository}:{tag.Name}", $"tag points at manifest row {tag.ManifestId}, which is not in {tag.Repository}");
        }

        var unlinkedReferences = await (
            from reference in db.RegistryManifestReferences
            where reference.Kind == RegistryReferenceKind.Blob
            join manifest in db.RegistryManifests on reference.ManifestId equals manifest.Id
            join repository in db.RegistryRepositories on manifest.RepositoryId equals repository.Id
            where !db.RegistryBlobLinks.Any(l => l.RepositoryId == manifest.RepositoryId && l.Digest == reference.Digest)
            select new { Repository = repository.Name, Manifest = manifest.Digest, Blob = reference.Digest }).ToListAsync(cancellationToken);
        foreach (var reference in unlinkedReferences)
        {
            run.Corruption(
                RegistryProblemKinds.ManifestBlobUnlinked, $"{reference.Repository}@{reference.Manifest}",
                $"manifest refers to blob {reference.Blob}, which is not linked into {reference.Repository}");
        }

        var missingChildren = await (
            from reference in db.RegistryManifestReferences
            where reference.Kind == RegistryReferenceKind.Manifest
            join manifest in db.RegistryManifests on reference.ManifestId equals manifest.Id
            join repository in db.RegistryRepositories on manifest.RepositoryId equals repository.Id
            where !db.RegistryManifests.Any(c => c.RepositoryId == manifest.RepositoryId && c.Digest == reference.Digest)
            select new { Repository = repository.Name, Manifest = manifest.Digest, Child = reference.Digest }).ToListAsync(cancellationToken);
        foreach (var reference in missingChildren)
        {
            run.Corruption(
                RegistryProblemKinds.ManifestChildMissing, $"{reference.Repository}@{reference.Manifest}",
                $"index lists manifest {reference.Child}, which is not in {reference.Repository}");
        }

        if (run.Verify)
        {
            await VerifyManifestsAsync(db, run, cancellationToken);
        }

        var uploads = await db.RegistryUploads.AsNoTracking().Select(u => new { u.Id, u.UpdatedAt }).ToListAsync(cancellationToken);
        run.Uploads = uploads.Count;
        foreach (var upload in uploads.Where(u => u.UpdatedAt < expiredBefore))
        {
            run.Orphan(RegistryProblemKinds.UploadExpired, upload.Id.ToString("N"), $"upload session untouched since {upload.UpdatedAt:u}; garbage collection purges it");
        }

        return new Snapshot(blobRows, uploads.Select(u => u.Id).ToHashSet());
    }

    /// <summary>Hashes every manifest's bytes and compares what they refer to with the recorded references.</summary>
    private static async Task VerifyManifestsAsync(WharfDbContext db, Run run, CancellationToken cancellationToken)
    {
        long last = 0;
        while (true)
        {
            var page = await (
                from manifest in db.RegistryManifests.AsNoTracking()
                where manifest.Id > last
                orderby manifest.Id
                join repository in db.RegistryRepositories on manifest.RepositoryId equals repository.Id
                select new { manifest.Id, Repository = repository.Name, manifest.Digest, manifest.MediaType, manifest.Content })
                .Take(ManifestPageSize)
                .ToListAsync(cancellationToken);
            if (page.Count == 0)
            {
                return;
            }

            last = page[^1].Id;
            var ids = page.Select(m => m.Id).ToList();
            var recorded = (await db.RegistryManifestReferences.AsNoTracking()
                    .Where(r => ids.Contains(r.ManifestId))
                    .Select(r => new { r.ManifestId, r.Digest, r.Kind })
                    .ToListAsync(cancellationToken))
                .ToLookup(r => r.ManifestId, r => (r.Digest, r.Kind));

            foreach (var manifest in page)
            {
                run.BytesHashed += manifest.Content.LongLength;
                var name = $"{manifest.Repository}@{manifest.Digest}";
                if (!Digest.TryParse(manifest.Digest, out var digest))
                {
                    run.Corruption(RegistryProblemKinds.ManifestCorrupt, name, "the recorded digest is malformed");
                    continue;
                }

                using (var hash = digest.CreateHash())
                {
                    hash.AppendData(manifest.Content);
                    var actual = Digest.FromHash(digest.Algorithm, hash.GetHashAndReset());
                    if (actual != digest)
                    {
                        run.Corruption(RegistryProblemKinds.ManifestCorrupt, name, $"the stored bytes hash to {actual}");
                        continue;
                    }
                }

                if (ManifestParser.TryParse(manifest.Content, manifest.MediaType, out var error) is not { } parsed)
                {
                    run.Corruption(RegistryProblemKinds.ManifestCorrupt, name, $"the stored bytes no longer parse: {error}");
                    continue;
                }

                var expected = RegistryStore.References(parsed).ToHashSet();
                if (!expected.SetEquals(recorded[manifest.Id]))
                {
                    run.Corruption(RegistryProblemKinds.ManifestCorrupt, name, "the recorded references differ from what the manifest refers to");
                }
            }
        }
    }

    /// <summary>Every blob row has its bytes, of the recorded size.</summary>
    private async Task CheckBlobRowsAsync(Snapshot snapshot, Run run, CancellationToken cancellationToken)
    {
        foreach (var (key, recordedSize) in snapshot.BlobRows)
        {
            run.Blobs++;
            var digest = Digest.Parse(key);
            var size = await blobs.GetSizeAsync(digest, cancellationToken);
            if (size == recordedSize)
            {
                continue;
            }

            if (size is not null)
            {
                run.Corruption(RegistryProblemKinds.BlobSizeMismatch, key, $"recorded as {recordedSize} bytes, stored as {size}");
                continue;
            }

            // Garbage collection removes the bytes and then the row, under the digest's lock: look again under it.
            using var held = await locks.AcquireAsync(digest, cancellationToken);
            await using var db = await contexts.CreateDbContextAsync(cancellationToken);
            var linked = await db.RegistryBlobLinks.AnyAsync(l => l.Digest == key, cancellationToken);
            if (!await db.RegistryBlobs.AnyAsync(b => b.Digest == key, cancellationToken)
                || await blobs.GetSizeAsync(digest, cancellationToken) is not null)
            {
                continue;
            }

            if (linked)
            {
                run.Corruption(RegistryProblemKinds.BlobMissing, key, "recorded and linked, but its bytes are not in the store");
            }
            else
            {
                run.Orphan(RegistryProblemKinds.BlobRowStale, key, "recorded without bytes and unlinked: a collection stopped half way; the next one removes the row");
            }
        }
    }

    /// <summary>Every stored blob is intact and recorded, unless young enough to be in flight.</summary>
    private async Task CheckStoredBlobsAsync(Snapshot snapshot, Run run, CancellationToken cancellationToken)
    {
        await foreach (var entry in blobs.ListAsync(cancellationToken))
        {
            run.BlobFiles++;
            var key = entry.Digest.ToString();
            if (entry.Size == 0 && entry.Digest != EmptyDigest(entry.Digest.Algorithm))
            {
                run.Corruption(RegistryProblemKinds.BlobCorrupt, key, "an empty file under a non-empty digest");
            }
            else if (run.Verify && await HashAsync(entry.Digest, run, cancellationToken) is { } actual && actual != entry.Digest)
            {
                run.Corruption(RegistryProblemKinds.BlobCorrupt, key, $"the stored bytes hash to {actual}");
            }

            if (snapshot.BlobRows.ContainsKey(key)
                || RegistryBlobFiles.LastWritten(blobs, entry.Digest) is not { } written
                || written >= run.SettledBefore)
            {
                continue;
            }

            // Recorded since the snapshot, or being recorded right now? The upload holds the lock while it records.
            using var held = await locks.AcquireAsync(entry.Digest, cancellationToken);
            await using var db = await contexts.CreateDbContextAsync(cancellationToken);
            if (await db.RegistryBlobs.AnyAsync(b => b.Digest == key, cancellationToken)
                || await db.RunArtifacts.AnyAsync(a => a.Digest == key, cancellationToken)
                || await blobs.GetSizeAsync(entry.Digest, cancellationToken) is null)
            {
                continue;
            }

            var repaired = run.Repair && await blobs.DeleteAsync(entry.Digest, cancellationToken);
            run.Orphan(RegistryProblemKinds.BlobOrphan, key, $"{entry.Size} bytes stored since {written:u} that no row records", repaired);
        }
    }

    /// <summary>Every staged upload file belongs to a session, unless young enough to be in flight.</summary>
    private async Task CheckStagedUploadsAsync(Snapshot snapshot, Run run, CancellationToken cancellationToken)
    {
        foreach (var staged in RegistryBlobFiles.ListStaged(blobs))
        {
            run.StagedUploads++;
            if (snapshot.Uploads.Contains(staged.Id) || staged.LastWritten >= run.SettledBefore)
            {
                continue;
            }

            // A session's row is written before its first byte and deleted after its last, so a file still there after
            // a fresh read finds no row has outlived its session.
            await using var db = await contexts.CreateDbContextAsync(cancellationToken);
            if (await db.RegistryUploads.AnyAsync(u => u.Id == staged.Id, cancellationToken) || !RegistryBlobFiles.StagedExists(blobs, staged.Id))
            {
                continue;
            }

            var repaired = run.Repair && await blobs.DeleteStagedAsync(staged.Id, cancellationToken);
            run.Orphan(RegistryProblemKinds.UploadOrphan, staged.Id.ToString("N"), $"{staged.Length} staged bytes since {staged.LastWritten:u} without an upload session", repaired);
        }
    }

    private async Task<Digest?> HashAsync(Digest digest, Run run, CancellationToken cancellationToken)
    {
        await using var stream = await blobs.OpenReadAsync(digest, cancellationToken);
        if (stream is null)
        {
            return null; // swept since it was listed
        }

        using var hash = digest.CreateHash();
        var buffer = new byte[FileSystemBlobStore.ChunkSize];
        int read;
        while ((read = await stream.ReadAsync(buffer, cancellationToken)) > 0)
        {
            hash.AppendData(buffer, 0, read);
            run.BytesHashed += read;
        }

        return Digest.FromHash(digest.Algorithm, hash.GetHashAndReset());
    }

    private static Digest EmptyDigest(string algorithm)
    {
        using var hash = Digest.CreateHash(algorithm);
        return Digest.FromHash(algorithm, hash.GetHashAndReset());
    }

    /// <summary>What the database snapshot says exists, for comparison with the store.</summary>
    private sealed record Snapshot(Dictionary<string, long> BlobRows, HashSet<Guid> Uploads);

    /// <summary>One check's settings, counters and findings.</summary>
    private sealed class Run(bool verify, bool repair, DateTimeOffset settledBefore)
    {
        public bool Verify { get; } = verify;

        public bool Repair { get; } = repair;

        /// <summary>Unrecorded things written after this may still be in flight, and are not leftovers yet.</summary>
        public DateTimeOffset SettledBefore { get; } = settledBefore;

        public List<RegistryCheckProblem> Problems { get; } = [];

        public int Blobs { get; set; }

        public int BlobFiles { get; set; }

        public int BlobLinks { get; set; }

        public int Manifests { get; set; }

        public int Tags { get; set; }

        public int Uploads { get; set; }

        public int StagedUploads { get; set; }

        public long BytesHashed { get; set; }

        public RegistryCheckCounts Counts() => new(Blobs, BlobFiles, BlobLinks, Manifests, Tags, Uploads, StagedUploads, BytesHashed);

        public void Corruption(string kind, string target, string detail)
            => Problems.Add(new RegistryCheckProblem(kind, RegistryProblemSeverity.Corruption, target, detail));

        public void Orphan(string kind, string target, string detail, bool repaired = false)
            => Problems.Add(new RegistryCheckProblem(kind, RegistryProblemSeverity.Orphan, target, detail, repaired));
    }
}
