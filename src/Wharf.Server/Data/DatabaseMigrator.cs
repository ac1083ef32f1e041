using System.Diagnostics;
using System.Globalization;
using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Infrastructure;
using Microsoft.EntityFrameworkCore.Migrations;
using Microsoft.EntityFrameworkCore.Storage;
using Wharf.Server.Hosting;

namespace Wharf.Server.Data;

/// <summary>
/// Brings the database schema to this build's last migration at start, or refuses to start.
/// </summary>
/// <remarks>
/// The protocol, the same on every provider:
/// <list type="number">
/// <item>Take the schema lock (PostgreSQL advisory lock), so replicas starting together migrate once.</item>
/// <item>Read <c>wharf_schema_state</c>, a one-row table kept outside EF's migrations so it exists before the first
/// of them. State <c>migrating</c> means a previous start died halfway through a migration: refuse.</item>
/// <item>Compare <c>__EFMigrationsHistory</c> with the migrations compiled into this build. An applied migration
/// this build doesn't know means the schema is newer than the code: refuse (old code on a new schema corrupts).</item>
/// <item>Apply the pending migrations ONE BY ONE, each bracketed by <c>migrating</c> → <c>ready</c>. EF runs a
/// migration in a transaction where the provider allows it, but not every operation can be (SQLite table rebuilds,
/// <c>CREATE INDEX CONCURRENTLY</c>), and a kill -9 lands anywhere: the marker is what survives it.</item>
/// </list>
/// Before upgrading an existing SQLite database it is copied with <c>VACUUM INTO</c>, so the remedy for an
/// interrupted upgrade is a named file, not "find a backup".
/// </remarks>
internal sealed class DatabaseMigrator(
    IDbContextFactory<WharfDbContext> contextFactory,
    DatabaseSchema schema,
    TimeProvider timeProvider,
    ILogger<DatabaseMigrator> logger)
{
    private const string StateTable = "wharf_schema_state";

    /// <summary>The manual way out of an interrupted migration, once the operator has checked the schema.</summary>
    internal const string ClearMarkerSql =
        $"UPDATE {StateTable} SET state = '{SchemaStateRow.Ready}', migration = NULL WHERE id = 1;";

    private readonly SemaphoreSlim _once = new(1, 1);
    private bool _migrated;

    /// <summary>
    /// Migrates once per process: the server's preflight and the start-up hosted service both ask, and only the first
    /// does the work. A failure is not remembered, so the next caller tries (and refuses) again.
    /// </summary>
    public async Task EnsureMigratedAsync(CancellationToken cancellationToken = default)
    {
        await _once.WaitAsync(cancellationToken);
        try
        {
            if (!_migrated)
            {
                await MigrateAsync(cancellationToken);
                _migrated = true;
            }
        }
        finally
        {
            _once.Release();
        }
    }

    /// <summary>Migrates the database; returns the migrations it applied (none when already up to date).</summary>
    /// <exception cref="StartupException">The schema is newer than this build, or half-migrated.</exception>
    public async Task<IReadOnlyList<string>> MigrateAsync(CancellationToken cancellationToken = default)
    {
        await using var db = await contextFactory.CreateDbContextAsync(cancellationToken);
        db.Database.SetCommandTimeout(TimeSpan.FromMinutes(30));
        var isSqlite = db.Database.IsSqlite();
        var providerName = isSqlite ? DatabaseProviders.Sqlite : DatabaseProviders.Postgres;
        var sqliteFile = isSqlite ? PrepareSqliteDirectory(db) : null;

        var creator = db.GetService<IRelationalDatabaseCreator>();
        if (!await creator.ExistsAsync(cancellationToken))
        {
            await creator.CreateAsync(cancellationToken);
        }

        // One connection for the whole protocol: the PostgreSQL advisory lock belongs to it.
        await db.Database.OpenConnectionAsync(cancellationToken);
        try
        {
            if (isSqlite)
            {
                // Persistent once set: readers no longer block the writer, nor the writer them.
                await db.Database.ExecuteSqlRawAsync("PRAGMA journal_mode = WAL;", cancellationToken);
            }
            else
            {
                await AcquirePostgresLockAsync(db, cancellationToken);
            }

            await EnsureStateRowAsync(db, cancellationToken);
            var state = await ReadStateAsync(db, cancellationToken);
            if (state.State != SchemaStateRow.Ready)
            {
                throw new StartupException(InterruptedMessage(state, sqliteFile));
            }

            // Created up front: reading a missing history table works, but EF logs the failed query as an error.
            await db.GetService<IHistoryRepository>().CreateIfNotExistsAsync(cancellationToken);
            var known = db.Database.GetMigrations().ToList();
            var applied = (await db.Database.GetAppliedMigrationsAsync(cancellationToken)).ToList();
            var unknown = applied.Except(known, StringComparer.Ordinal).ToList();
            if (unknown.Count > 0)
            {
                throw new StartupException(NewerSchemaMessage(unknown, state));
            }

            var pending = known.Except(applied, StringComparer.Ordinal).ToList();
            if (pending.Count == 0)
            {
                schema.CurrentMigration = applied.LastOrDefault();
                Log.SchemaUpToDate(logger, schema.CurrentMigration, providerName);
                return [];
            }

            Log.MigrationsPending(logger, pending.Count, string.Join(", ", pending));
            if (sqliteFile is not null && applied.Count > 0)
            {
                await BackUpSqliteAsync(db, BackupPath(sqliteFile, pending[0]), cancellationToken);
            }

            // Once a migration has begun it is finished, even when asked to stop: stopping halfway is exactly the
            // state the marker makes us refuse to start from.
            var migrator = db.GetService<IMigrator>();
            foreach (var migration in pending)
            {
                Log.ApplyingMigration(logger, migration);
                var started = Stopwatch.StartNew();
                await WriteStateAsync(db, SchemaStateRow.Migrating, migration, CancellationToken.None);
                try
                {
                    await migrator.MigrateAsync(migration, CancellationToken.None);
                }
                catch (Exception ex)
                {
                    Log.MigrationFailed(logger, migration, ex);
                    throw new StartupException(
                        $"Migration {migration} failed: {ex.Message} " + Remedy(migration, sqliteFile), ex);
                }

                await WriteStateAsync(db, SchemaStateRow.Ready, null, CancellationToken.None);
                Log.MigrationApplied(logger, migration, started.ElapsedMilliseconds);
            }

            schema.CurrentMigration = pending[^1];
            return pending;
        }
        finally
        {
            // Closing the connection also ends the advisory lock's session.
            await db.Database.CloseConnectionAsync();
        }
    }

    private static string? PrepareSqliteDirectory(WharfDbContext db)
    {
        var dataSource = new SqliteConnectionStringBuilder(db.Database.GetConnectionString()).DataSource;
        if (string.IsNullOrEmpty(dataSource) || dataSource == ":memory:"
            || dataSource.StartsWith("file:", StringComparison.OrdinalIgnoreCase))
        {
            return null;
        }

        var path = Path.GetFullPath(dataSource);
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        return path;
    }

    private async Task AcquirePostgresLockAsync(WharfDbContext db, CancellationToken cancellationToken)
    {
        var acquired = await db.Database
            .SqlQueryRaw<bool>("SELECT pg_try_advisory_lock(hashtext('wharf.schema')) AS \"Value\"")
            .SingleAsync(cancellationToken);
        if (!acquired)
        {
            Log.WaitingForMigrationLock(logger);
            await db.Database.ExecuteSqlRawAsync("SELECT pg_advisory_lock(hashtext('wharf.schema'));", cancellationToken);
        }
    }

    private async Task EnsureStateRowAsync(WharfDbContext db, CancellationToken cancellationToken)
    {
        // Portable DDL on purpose: the table must exist before any migration, on every provider.
        await db.Database.ExecuteSqlRawAsync(
            $"""
            CREATE TABLE IF NOT EXISTS {StateTable} (
                id INTEGER NOT NULL PRIMARY KEY,
                state TEXT NOT NULL,
                migration TEXT NULL,
                wharf_version TEXT NOT NULL,
                updated_at TEXT NOT NULL
            );
            """,
            cancellationToken);
        var now = Now();
        await db.Database.ExecuteSqlAsync(
            $"""
            INSERT INTO wharf_schema_state (id, state, migration, wharf_version, updated_at)
            VALUES (1, {SchemaStateRow.Ready}, NULL, {HostingExtensions.Version}, {now})
            ON CONFLICT (id) DO NOTHING;
            """,
            cancellationToken);
    }

    private static Task<SchemaStateRow> ReadStateAsync(WharfDbContext db, CancellationToken cancellationToken)
        => db.Database.SqlQueryRaw<SchemaStateRow>(
                $"""
                SELECT state AS "State", migration AS "Migration", wharf_version AS "WharfVersion", updated_at AS "UpdatedAt"
                FROM {StateTable} WHERE id = 1
                """)
            .SingleAsync(cancellationToken);

    private Task WriteStateAsync(
        WharfDbContext db, string state, string? migration, CancellationToken cancellationToken)
    {
        var now = Now();
        return db.Database.ExecuteSqlAsync(
            $"""
            UPDATE wharf_schema_state
            SET state = {state}, migration = {migration}, wharf_version = {HostingExtensions.Version}, updated_at = {now}
            WHERE id = 1;
            """,
            cancellationToken);
    }

    private async Task BackUpSqliteAsync(WharfDbContext db, string backupPath, CancellationToken cancellationToken)
    {
        // VACUUM INTO refuses to overwrite; a leftover copy from an earlier attempt of the same upgrade is as good.
        if (File.Exists(backupPath))
        {
            return;
        }

        await db.Database.ExecuteSqlRawAsync("VACUUM INTO {0};", [backupPath], cancellationToken);
        Log.SqliteBackupWritten(logger, backupPath);
    }

    private string Now() => timeProvider.GetUtcNow().ToString("O", CultureInfo.InvariantCulture);

    internal static string BackupPath(string sqliteFile, string migration) => $"{sqliteFile}.before-{migration}";

    private static string InterruptedMessage(SchemaStateRow state, string? sqliteFile)
        => $"The database schema is half-migrated: migration {state.Migration ?? "(unknown)"} was started by "
           + $"Wharf {state.WharfVersion} at {state.UpdatedAt} and never finished (the server stopped during the "
           + "migration), so Wharf will not start on it. " + Remedy(state.Migration, sqliteFile);

    private static string Remedy(string? migration, string? sqliteFile)
    {
        var restore = sqliteFile is not null && migration is not null && File.Exists(BackupPath(sqliteFile, migration))
            ? $"stop every Wharf server, replace {sqliteFile} with the copy taken before the upgrade, "
              + $"{BackupPath(sqliteFile, migration)}, delete {sqliteFile}-wal and {sqliteFile}-shm if present, "
              + "and start again"
            : "stop every Wharf server, restore the database from a backup taken before the upgrade (a database "
              + "that was being created for the first time can be dropped instead), and start again";
        return $"To recover, {restore}. Only if you have checked by hand that the schema is consistent, clear the "
               + $"marker instead with: {ClearMarkerSql}";
    }

    private static string NewerSchemaMessage(IReadOnlyList<string> unknown, SchemaStateRow state)
    {
        var upgrade = state.WharfVersion != HostingExtensions.Version && !string.IsNullOrEmpty(state.WharfVersion)
            ? $"upgrade Wharf to at least {state.WharfVersion} (the version that last migrated this database)"
            : $"upgrade Wharf to a version that includes migration {unknown[^1]}";
        return $"The database schema is newer than this Wharf build ({HostingExtensions.Version}): it has "
               + $"migration(s) {string.Join(", ", unknown)} applied that this build does not know, and running old "
               + $"code on a newer schema can lose data. To fix, {upgrade}, or restore a backup taken before the "
               + "upgrade.";
    }
}
