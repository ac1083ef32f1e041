using Microsoft.EntityFrameworkCore;
using Wharf.Server.Data;

namespace Wharf.Server.Registry;

/// <summary>
/// The pull hot path: one compiled query per request, by repository name, so a GET costs one round trip (one
/// connection open, one statement) instead of a repository lookup followed by a second query, and EF does not
/// re-translate the LINQ on every call. The manifest query leaves <c>content</c> out: the bytes are a function of
/// the digest and are served from <see cref="RegistryManifestCache"/>; only existence, media type and size, which
/// can change when a manifest is deleted and pushed again, are read from the database every time.
/// </summary>
internal sealed partial class RegistryStore
{
    /// <summary>
    /// Resolves a tag or digest reference of a repository, by the repository's name, to the manifest's head; null
    /// when the repository or the manifest is unknown (ask <see cref="FindRepositoryAsync"/> which, off the hot path).
    /// </summary>
    public Task<RegistryManifestHead?> FindManifestHeadAsync(string repository, string reference, bool isDigest, CancellationToken cancellationToken = default)
        => isDigest
            ? db switch
            {
                PostgresWharfDbContext postgres => CompiledReads<PostgresWharfDbContext>.ManifestHeadByDigest(postgres, repository, reference, cancellationToken),
                SqliteWharfDbContext sqlite => CompiledReads<SqliteWharfDbContext>.ManifestHeadByDigest(sqlite, repository, reference, cancellationToken),
                _ => throw UnknownProvider(),
            }
            : db switch
            {
                PostgresWharfDbContext postgres => CompiledReads<PostgresWharfDbContext>.ManifestHeadByTag(postgres, repository, reference, cancellationToken),
                SqliteWharfDbContext sqlite => CompiledReads<SqliteWharfDbContext>.ManifestHeadByTag(sqlite, repository, reference, cancellationToken),
                _ => throw UnknownProvider(),
            };

    /// <summary>The bytes of a manifest row; null when it was deleted since its head was read.</summary>
    public Task<byte[]?> FindManifestContentAsync(long manifestId, CancellationToken cancellationToken = default)
        => db switch
        {
            PostgresWharfDbContext postgres => CompiledReads<PostgresWharfDbContext>.ManifestContentById(postgres, manifestId, cancellationToken),
            SqliteWharfDbContext sqlite => CompiledReads<SqliteWharfDbContext>.ManifestContentById(sqlite, manifestId, cancellationToken),
            _ => throw UnknownProvider(),
        };

    /// <summary>
    /// <see cref="FindLinkedBlobSizeAsync"/> by repository name in one query; null when the repository is unknown or
    /// the blob is not readable in it.
    /// </summary>
    public Task<long?> FindReadableBlobSizeAsync(string repository, string digest, CancellationToken cancellationToken = default)
        => db switch
        {
            PostgresWharfDbContext postgres => CompiledReads<PostgresWharfDbContext>.ReadableBlobSize(postgres, repository, digest, cancellationToken),
            SqliteWharfDbContext sqlite => CompiledReads<SqliteWharfDbContext>.ReadableBlobSize(sqlite, repository, digest, cancellationToken),
            _ => throw UnknownProvider(),
        };

    private static InvalidOperationException UnknownProvider()
        => new($"no compiled registry queries for {typeof(WharfDbContext).Name} subclass; add it to RegistryStore.Reads");

    /// <summary>
    /// The compiled queries, once per provider context: a compiled query binds to the model and provider of the first
    /// context that runs it, so one shared instance would fail when SQLite and PostgreSQL contexts meet in one process.
    /// </summary>
    private static class CompiledReads<TContext>
        where TContext : WharfDbContext
    {
        public static readonly Func<TContext, string, string, CancellationToken, Task<RegistryManifestHead?>> ManifestHeadByTag =
            EF.CompileAsyncQuery((TContext db, string repository, string tag, CancellationToken cancellationToken) =>
                (from r in db.RegistryRepositories
                 join t in db.RegistryTags on r.Id equals t.RepositoryId
                 join m in db.RegistryManifests on t.ManifestId equals m.Id
                 where r.Name == repository && t.Name == tag
                 select new RegistryManifestHead(m.Id, m.Digest, m.MediaType, m.Size)).FirstOrDefault());

        public static readonly Func<TContext, string, string, CancellationToken, Task<RegistryManifestHead?>> ManifestHeadByDigest =
            EF.CompileAsyncQuery((TContext db, string repository, string digest, CancellationToken cancellationToken) =>
                (from r in db.RegistryRepositories
                 join m in db.RegistryManifests on r.Id equals m.RepositoryId
                 where r.Name == repository && m.Digest == digest
                 select new RegistryManifestHead(m.Id, m.Digest, m.MediaType, m.Size)).FirstOrDefault());

        public static readonly Func<TContext, long, CancellationToken, Task<byte[]?>> ManifestContentById =
            EF.CompileAsyncQuery((TContext db, long id, CancellationToken cancellationToken) =>
                db.RegistryManifests.Where(m => m.Id == id).Select(m => m.Content).FirstOrDefault());

        public static readonly Func<TContext, string, string, CancellationToken, Task<long?>> ReadableBlobSize =
            EF.CompileAsyncQuery((TContext db, string repository, string digest, CancellationToken cancellationToken) =>
                (from r in db.RegistryRepositories
                 join l in db.RegistryBlobLinks on r.Id equals l.RepositoryId
                 join b in db.RegistryBlobs on l.Digest equals b.Digest
                 where r.Name == repository && l.Digest == digest
                 select (long?)b.Size).FirstOrDefault());
    }
}
