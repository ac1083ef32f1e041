using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Wharf.Server.Data;

namespace Wharf.Server.Tests.Data;

public sealed class SqliteDatabaseMigratorTests : DatabaseMigratorTests
{
    private protected override Task<TestDatabase> CreateDatabaseAsync() => TestDatabase.CreateSqliteAsync();

    [Fact]
    public async Task MigrateAsync_DefaultSettings_CreatesWalDatabaseInDataDirectory()
    {
        await Database.MigrateAsync();

        Assert.True(File.Exists(Database.SqliteFile));
        await using var services = Database.CreateServices();
        await using var db = await services.GetRequiredService<IDbContextFactory<WharfDbContext>>().CreateDbContextAsync();
        Assert.Equal("wal", await PragmaAsync(db, "journal_mode"));
        Assert.Equal("1", await PragmaAsync(db, "foreign_keys"));
        Assert.Equal("5000", await PragmaAsync(db, "busy_timeout"));
    }

    [Fact]
    public async Task PooledConnection_ReopenedByAnotherContext_KeepsItsPragmas()
    {
        await Database.MigrateAsync();
        await using var services = Database.CreateServices();
        var factory = services.GetRequiredService<IDbContextFactory<WharfDbContext>>();
        object? firstHandle;
        await using (var first = await factory.CreateDbContextAsync())
        {
            Assert.Equal("5000", await PragmaAsync(first, "busy_timeout"));
            firstHandle = ((SqliteConnection)first.Database.GetDbConnection()).Handle;
            await first.Database.CloseConnectionAsync();
        }

        // The pragmas run once per native connection: the second open reuses the pooled one and must still see them.
        await using var second = await factory.CreateDbContextAsync();
        Assert.Equal("5000", await PragmaAsync(second, "busy_timeout"));
        Assert.Equal((1L << 30).ToString(System.Globalization.CultureInfo.InvariantCulture), await PragmaAsync(second, "mmap_size"));
        Assert.Equal("1", await PragmaAsync(second, "foreign_keys"));
        Assert.Same(firstHandle, ((SqliteConnection)second.Database.GetDbConnection()).Handle);
    }

    [Fact]
    public async Task BackupPath_CopyTakenWithVacuumInto_IsACompleteDatabase()
    {
        await Database.MigrateAsync();
        await using (var db = Database.CreateContext())
        {
            db.Settings.Add(new Setting { Name = "before-upgrade", Value = "1" });
            await db.SaveChangesAsync();
        }

        var backup = DatabaseMigrator.BackupPath(Database.SqliteFile, "20990101000000_Next");
        await using (var db = Database.CreateContext())
        {
            await db.Database.ExecuteSqlRawAsync("VACUUM INTO {0};", backup);
        }

        await using var copy = new SqliteConnection($"Data Source={backup};Mode=ReadOnly;Pooling=False");
        await copy.OpenAsync();
        await using var command = copy.CreateCommand();
        command.CommandText = "SELECT value FROM settings WHERE name = 'before-upgrade'";
        Assert.Equal("1", await command.ExecuteScalarAsync());
    }

    private static async Task<string> PragmaAsync(WharfDbContext db, string pragma)
    {
        var connection = db.Database.GetDbConnection();
        await db.Database.OpenConnectionAsync();
        await using var command = connection.CreateCommand();
        command.CommandText = $"PRAGMA {pragma};";
        return Convert.ToString(await command.ExecuteScalarAsync(), System.Globalization.CultureInfo.InvariantCulture)!;
    }
}
