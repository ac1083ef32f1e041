using System.Data.Common;
using Microsoft.EntityFrameworkCore;
using Wharf.Oci;
using Wharf.Server.Data;
using Wharf.Server.Events;
using Wharf.Server.Hosting;
using Wharf.Server.Storage;

namespace Wharf.Server.Registry;

/// <summary>
/// The registry's metadata operations, one request's worth at a time (scoped, over the request's
/// <see cref="WharfDbContext"/>). Inserts that many clients race on (the same blob, repository or tag pushed at
/// once) are single <c>INSERT ... ON CONFLICT</c> statements, which SQLite and PostgreSQL both understand, so a
/// losing racer neither fails nor aborts its transaction.
/// </summary>
internal sealed partial class RegistryStore(WharfDbContext db, IBlobStore blobs, BlobLocks locks, TimeProvider time)
{
    public Task<RegistryRepository?> FindRepositoryAsync(string name, CancellationToken cancellationToken = default)
        => db.RegistryRepositories.AsNoTracking().FirstOrDefaultAsync(r => r.Name == name, cancellationToken);

    public async Task<RegistryRepository> EnsureRepositoryAsync(RepositoryName name, CancellationToken cancellationToken = default)
    {
        if (await FindRepositoryAsync(name.Value, cancellationToken) is { } existing)
        {
            return existing;
        }

        await db.Database.ExecuteSqlRawAsync(
            "INSERT INTO registry_repositories (name, project, created_at) VALUES ({0}, {1}, {2}) ON CONFLICT (name) DO NOTHING",
            [name.Value, name.Project, Now()],
            cancellationToken);
        return await FindRepositoryAsync(name.Value, cancellationToken)
            ?? throw new InvalidOperationException($"repository {name} vanished right after it was created");
    }

    /// <summary>The size of a blob readable in a repository: linked to it and present in the store.</summary>
    public async Task<long?> FindLinkedBlobSizeAsync(long repositoryId, Digest digest, CancellationToken cancellationToken = default)
    {
        var key = digest.ToString();
        var sizes = await (
            from link in db.RegistryBlobLinks
            join blob in db.RegistryBlobs on link.Digest equals blob.Digest
            where link.RepositoryId == repositoryId && link.Digest == key
            select (long?)blob.Size).ToListAsync(cancellationToken);
        return sizes.Count == 0 ? null : sizes[0];
    }

    /// <summary>Records a blob whose bytes are durable in the store, and links it into a repository.</summary>
    public async Task RecordBlobAsync(long repositoryId, Digest digest, long size, CancellationToken cancellationToken = default)
    {
        var now = Now();
        var key = digest.ToString();
        await db.Database.ExecuteSqlRawAsync(
            "INSERT INTO registry_blobs (digest, size, created_at) VALUES ({0}, {1}, {2}) ON CONFLICT (digest) DO NOTHING",
            [key, size, now],
            cancellationToken);

        // A re-push refreshes the link's time, so garbage collection's grace window counts from the latest push.
        await db.Database.ExecuteSqlRawAsync(
            "INSERT INTO registry_blob_links (repository_id, digest, created_at) VALUES ({0}, {1}, {2}) " +
            "ON CONFLICT (repository_id, digest) DO UPDATE SET created_at = excluded.created_at",
            [repositoryId, key, now],
            cancellationToken);
    }

    /// <summary>
    /// Records bytes an upload just published. Under the digest's lock it first checks the bytes are still there:
    /// garbage collection may have swept an identical, long-unreferenced blob between the publish and this call.
    /// False then, and the client is asked to retry; a row never points at missing bytes.
    /// </summary>
    public async Task<bool> RecordPublishedBlobAsync(long repositoryId, Digest digest, long size, CancellationToken cancellationToken = default)
    {
        using var held = await locks.AcquireAsync(digest, cancellationToken);
        if (await blobs.GetSizeAsync(digest, cancellationToken) != size)
        {
            return false;
        }

        await RecordBlobAsync(repositoryId, digest, size, cancellationToken);
        return true;
    }

    /// <summary>Links a blob already recorded in another repository (a mount), under the digest's lock.</summary>
    public async Task<bool> MountBlobAsync(long sourceRepositoryId, long targetRepositoryId, Digest digest, CancellationToken cancellationToken = default)
    {
        using var held = await locks.AcquireAsync(digest, cancellationToken);
        if (await FindLinkedBlobSizeAsync(sourceRepositoryId, digest, cancellationToken) is not { } size)
        {
            return false;
        }

        await RecordBlobAsync(targetRepositoryId, digest, size, cancellationToken);
        return true;
    }

    /// <summary>
    /// Unlinks a blob from a repository, unless a manifest there still refers to it: that manifest would then fail to
    /// pull. Under the repository lock, so a manifest push cannot start referring to it in between.
    /// </summary>
    public async Task<RegistryDeleteOutcome> UnlinkBlobAsync(long repositoryId, Digest digest, CancellationToken cancellationToken = default)
    {
        var key = digest.ToString();
        await using var transaction = await db.Database.BeginTransactionAsync(cancellationToken);
        await LockRepositoryAsync(db, repositoryId, cancellationToken);
        if (await IsReferencedAsync(repositoryId, key, RegistryReferenceKind.Blob, cancellationToken))
        {
            return RegistryDeleteOutcome.Referenced;
        }

        var deleted = await db.RegistryBlobLinks.Where(l => l.RepositoryId == repositoryId && l.Digest == key)
            .ExecuteDeleteAsync(cancellationToken) > 0;
        await transaction.CommitAsync(cancellationToken);
        return deleted ? RegistryDeleteOutcome.Deleted : RegistryDeleteOutcome.NotFound;
    }

    /// <summary>
    /// Stores a validated manifest and, when <paramref name="tag"/> is given, points the tag at it, in one transaction
    /// with its outbox event. Returns the references that do not exist in the repository (then nothing is stored):
    /// a manifest is never accepted dangling.
    /// </summary>
    public async Task<IReadOnlyList<string>> PutManifestAsync(
        RegistryRepository repository, Digest digest, byte[] content, Manifest manifest, string? tag, CancellationToken cancellationToken = default)
    {
        await using var transaction = await db.Database.BeginTransactionAsync(cancellationToken);
        await LockRepositoryAsync(db, repository.Id, cancellationToken);

        var missing = await FindMissingReferencesAsync(repository.Id, manifest, cancellationToken);
        if (missing.Count > 0)
        {
            return missing;
        }

        var key = digest.ToString();
        var now = Now();

        // A re-push restarts garbage collection's grace window, as it does for a blob's link: a client re-pushing an
        // untagged manifest (say, before pushing the index that lists it) must not see it swept the next moment.
        await db.Database.ExecuteSqlRawAsync(
            "INSERT INTO registry_manifests (repository_id, digest, media_type, artifact_type, subject_digest, annotations_json, size, content, created_at) " +
            "VALUES (@repository, @digest, @mediaType, @artifactType, @subject, @annotations, @size, @content, @now) " +
            "ON CONFLICT (repository_id, digest) DO UPDATE SET created_at = excluded.created_at",
            [
                Parameter("repository", repository.Id),
                Parameter("digest", key),
                Parameter("mediaType", manifest.MediaType),
                Parameter("artifactType", manifest.ArtifactType),
                Parameter("subject", manifest.Subject?.Digest.ToString()),
                Parameter("annotations", manifest.Annotations is { Count: > 0 } a ? System.Text.Json.JsonSerializer.Serialize(a, RegistryJsonContext.Default.IReadOnlyDictionaryStringString) : null),
                Parameter("size", (long)content.Length),
                Parameter("content", content),
                Parameter("now", now),
            ],
            cancellationToken);
        var manifestId = await db.RegistryManifests
            .Where(m => m.RepositoryId == repository.Id && m.Digest == key)
            .Select(m => m.Id)
            .SingleAsync(cancellationToken);

        foreach (var (reference, kind) in References(manifest))
        {
            await db.Database.ExecuteSqlRawAsync(
                "INSERT INTO registry_manifest_references (manifest_id, kind, digest) VALUES ({0}, {1}, {2}) ON CONFLICT DO NOTHING",
                [manifestId, (int)kind, reference],
                cancellationToken);
        }

        if (tag is not null)
        {
            await db.Database.ExecuteSqlRawAsync(
                "INSERT INTO registry_tags (repository_id, name, manifest_id, updated_at) VALUES ({0}, {1}, {2}, {3}) " +
                "ON CONFLICT (repository_id, name) DO UPDATE SET manifest_id = excluded.manifest_id, updated_at = excluded.updated_at",
                [repository.Id, tag, manifestId, now],
                cancellationToken);
        }

        db.AddEvent(
            new ManifestPushed(repository.Name, key, manifest.MediaType, manifest.ArtifactType, tag, manifest.Subject?.Digest.ToString()),
            aggregateKey: $"registry:{repository.Name}");
        await db.SaveChangesAsync(cancellationToken);
        Failpoints.Hit(RegistryFailpoints.ManifestBeforeCommit);
        await transaction.CommitAsync(cancellationToken);
        Failpoints.Hit(RegistryFailpoints.ManifestAfterCommit);
        return [];
    }

    /// <summary>
    /// Deletes a manifest and every tag pointing at it, unless an index of the repository lists it (the index would
    /// then fail to pull: delete the index first).
    /// </summary>
    public async Task<RegistryDeleteOutcome> DeleteManifestAsync(RegistryRepository repository, Digest digest, CancellationToken cancellationToken = default)
    {
        var key = digest.ToString();
        await using var transaction = await db.Database.BeginTransactionAsync(cancellationToken);
        await LockRepositoryAsync(db, repository.Id, cancellationToken);
        var id = await db.RegistryManifests.Where(m => m.RepositoryId == repository.Id && m.Digest == key)
            .Select(m => (long?)m.Id).FirstOrDefaultAsync(cancellationToken);
        if (id is null)
        {
            return RegistryDeleteOutcome.NotFound;
        }

        if (await IsReferencedAsync(repository.Id, key, RegistryReferenceKind.Manifest, cancellationToken))
        {
            return RegistryDeleteOutcome.Referenced;
        }

        await db.RegistryTags.Where(t => t.ManifestId == id).ExecuteDeleteAsync(cancellationToken);
        await db.RegistryManifestReferences.Where(r => r.ManifestId == id).ExecuteDeleteAsync(cancellationToken);
        await db.RegistryManifests.Where(m => m.Id == id).ExecuteDeleteAsync(cancellationToken);
        db.AddEvent(new ManifestDeleted(repository.Name, key), aggregateKey: $"registry:{repository.Name}");
        await db.SaveChangesAsync(cancellationToken);
        await transaction.CommitAsync(cancellationToken);
        return RegistryDeleteOutcome.Deleted;
    }

    /// <summary>Deletes a tag, leaving its manifest; false when the repository has no such tag.</summary>
    public async Task<bool> DeleteTagAsync(RegistryRepository repository, string tag, CancellationToken cancellationToken = default)
    {
        await using var transaction = await db.Database.BeginTransactionAsync(cancellationToken);
        await LockRepositoryAsync(db, repository.Id, cancellationToken);
        var digest = await (
            from t in db.RegistryTags
            join m in db.RegistryManifests on t.ManifestId equals m.Id
            where t.RepositoryId == repository.Id && t.Name == tag
            select m.Digest).FirstOrDefaultAsync(cancellationToken);
        if (digest is null)
        {
            return false;
        }

        await db.RegistryTags.Where(t => t.RepositoryId == repository.Id && t.Name == tag).ExecuteDeleteAsync(cancellationToken);
        db.AddEvent(new TagDeleted(repository.Name, tag, digest), aggregateKey: $"registry:{repository.Name}");
        await db.SaveChangesAsync(cancellationToken);
        await transaction.CommitAsync(cancellationToken);
        return true;
    }

    /// <summary>One page of tags in lexical order after <paramref name="last"/>: an index range scan.</summary>
    public Task<List<string>> ListTagsAsync(long repositoryId, string? last, int count, CancellationToken cancellationToken = default)
    {
        var query = db.RegistryTags.Where(t => t.RepositoryId == repositoryId);
        if (last is not null)
        {
            query = query.Where(t => string.Compare(t.Name, last) > 0);
        }

        return query.OrderBy(t => t.Name).Select(t => t.Name).Take(count).ToListAsync(cancellationToken);
    }

    /// <summary>Repository names in lexical order after <paramref name="last"/>.</summary>
    public Task<List<string>> ListRepositoriesAsync(RepositoryVisibility visibility, string? last, int count, CancellationToken cancellationToken = default)
    {
        var query = visibility.Apply(db.RegistryRepositories);
        if (last is not null)
        {
            query = query.Where(r => string.Compare(r.Name, last) > 0);
        }

        return query.OrderBy(r => r.Name).Select(r => r.Name).Take(count).ToListAsync(cancellationToken);
    }

    /// <summary>The manifests of a repository whose subject is <paramref name="subject"/>.</summary>
    public Task<List<ReferrerRow>> ListReferrersAsync(long repositoryId, Digest subject, string? artifactType, CancellationToken cancellationToken = default)
    {
        var key = subject.ToString();
        var query = db.RegistryManifests.Where(m => m.RepositoryId == repositoryId && m.SubjectDigest == key);
        if (artifactType is not null)
        {
            query = query.Where(m => m.ArtifactType == artifactType);
        }

        return query.OrderBy(m => m.Id)
            .Select(m => new ReferrerRow(m.Digest, m.MediaType, m.ArtifactType, m.Size, m.AnnotationsJson))
            .ToListAsync(cancellationToken);
    }

    /// <summary>True when a manifest of the repository refers to <paramref name="digest"/> as <paramref name="kind"/>.</summary>
    /// <remarks>
    /// Shaped as references-by-digest, then each one's manifest by id: written as a join, SQLite (no statistics) walked
    /// every manifest of the repository instead, which grows with the repository.
    /// </remarks>
    private Task<bool> IsReferencedAsync(long repositoryId, string digest, RegistryReferenceKind kind, CancellationToken cancellationToken)
        => db.RegistryManifestReferences
            .Where(r => r.Kind == kind && r.Digest == digest)
            .AnyAsync(r => db.RegistryManifests.Any(m => m.Id == r.ManifestId && m.RepositoryId == repositoryId), cancellationToken);

    private async Task<List<string>> FindMissingReferencesAsync(long repositoryId, Manifest manifest, CancellationToken cancellationToken)
    {
        var missing = new List<string>();
        // Layers with URLs are non-distributable: their bytes live elsewhere by design.
        var blobDigests = manifest.Blobs.Where(b => !b.IsForeign).Select(b => b.Digest.ToString()).Distinct(StringComparer.Ordinal).ToList();
        if (blobDigests.Count > 0)
        {
            var present = await (
                from link in db.RegistryBlobLinks
                join blob in db.RegistryBlobs on link.Digest equals blob.Digest
                where link.RepositoryId == repositoryId && blobDigests.Contains(link.Digest)
                select link.Digest).ToListAsync(cancellationToken);
            missing.AddRange(blobDigests.Except(present, StringComparer.Ordinal));
        }

        var childDigests = manifest.Manifests.Select(m => m.Digest.ToString()).Distinct(StringComparer.Ordinal).ToList();
        if (childDigests.Count > 0)
        {
            var present = await db.RegistryManifests
                .Where(m => m.RepositoryId == repositoryId && childDigests.Contains(m.Digest))
                .Select(m => m.Digest).ToListAsync(cancellationToken);
            missing.AddRange(childDigests.Except(present, StringComparer.Ordinal));
        }

        return missing;
    }

    /// <summary>What a manifest refers to, as <c>registry_manifest_references</c> records it.</summary>
    internal static IEnumerable<(string Digest, RegistryReferenceKind Kind)> References(Manifest manifest)
        => manifest.Blobs.Where(b => !b.IsForeign).Select(b => (b.Digest.ToString(), RegistryReferenceKind.Blob))
            .Concat(manifest.Manifests.Select(m => (m.Digest.ToString(), RegistryReferenceKind.Manifest)))
            .Distinct();

    /// <summary>
    /// Serializes, within the current transaction, the changes to one repository's manifests, tags and links with
    /// garbage collection's sweep of that repository. SQLite needs nothing: its write transactions are already
    /// serial (Microsoft.Data.Sqlite begins them IMMEDIATE). PostgreSQL takes a transaction-scoped advisory lock.
    /// </summary>
    public static async Task LockRepositoryAsync(WharfDbContext db, long repositoryId, CancellationToken cancellationToken = default)
    {
        if (db.Database.IsNpgsql())
        {
            await db.Database.ExecuteSqlRawAsync("SELECT pg_advisory_xact_lock({0}, {1})", [RepositoryLockClass, (int)repositoryId], cancellationToken);
        }
    }

    /// <summary>The advisory-lock class of repository locks (the first key of PostgreSQL's two-key form).</summary>
    private const int RepositoryLockClass = 0x5752; // "WR"

    /// <summary>A parameter for raw SQL; a null value is sent as SQL NULL, which EF's positional form cannot type.</summary>
    private DbParameter Parameter(string name, object? value)
    {
        using var command = db.Database.GetDbConnection().CreateCommand();
        var parameter = command.CreateParameter();
        parameter.ParameterName = "@" + name;
        parameter.Value = value ?? DBNull.Value;
        return parameter;
    }

    /// <summary>The current time as the provider stores it, for raw SQL.</summary>
    private object Now() => db.ToStoreTime(time.GetUtcNow());
}
