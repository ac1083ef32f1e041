using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Diagnostics;

namespace Wharf.Server.Data;

/// <summary>How Wharf talks to each provider; shared by the running server and the design-time factories.</summary>
internal static class DatabaseConfiguration
{
    /// <summary>The SQLite file's name inside the data directory when no connection string is configured.</summary>
    public const string SqliteFileName = "wharf.db";

    /// <summary>How long a SQLite statement waits for another writer before failing with "database is locked".</summary>
    public static readonly TimeSpan SqliteBusyTimeout = TimeSpan.FromSeconds(5);

    public static string BuildSqliteConnectionString(string? configured, string dataDirectory)
    {
        var builder = string.IsNullOrWhiteSpace(configured)
            ? new SqliteConnectionStringBuilder { DataSource = Path.Combine(dataDirectory, SqliteFileName) }
            : new SqliteConnectionStringBuilder(configured);

        // Referential integrity is off by default in SQLite; the schema relies on it (cascading deletes).
        builder.ForeignKeys = true;
        builder.Pooling = true;
        return builder.ToString();
    }

    public static DbContextOptionsBuilder UseWharfSqlite(this DbContextOptionsBuilder options, string connectionString)
    {
        options.UseSqlite(connectionString);
        options.AddInterceptors(new SqliteConnectionInterceptor(SqliteBusyTimeout));
        return options.UseWharfDefaults();
    }

    public static DbContextOptionsBuilder UseWharfPostgres(this DbContextOptionsBuilder options, string connectionString)
    {
        options.UseNpgsql(connectionString);
        return options.UseWharfDefaults();
    }

    private static DbContextOptionsBuilder UseWharfDefaults(this DbContextOptionsBuilder options)
        // Background loops poll the database every second; their SQL belongs in debug logs, not the default output.
        => options.ConfigureWarnings(w => w.Log((RelationalEventId.CommandExecuted, LogLevel.Debug)));
}
