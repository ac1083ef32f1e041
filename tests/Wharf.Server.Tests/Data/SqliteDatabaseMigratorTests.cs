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
