namespace Wharf.Server.Data;

/// <summary>Data log messages; event ids 1100-1199.</summary>
internal static partial class Log
{
    [LoggerMessage(1100, LogLevel.Information, "Database schema is up to date at {Migration} ({Provider})")]
    public static partial void SchemaUpToDate(ILogger logger, string? migration, string provider);

    [LoggerMessage(1101, LogLevel.Information, "Database schema needs {Count} migration(s): {Migrations}")]
    public static partial void MigrationsPending(ILogger logger, int count, string migrations);

    [LoggerMessage(1102, LogLevel.Information, "Applying migration {Migration}")]
    public static partial void ApplyingMigration(ILogger logger, string migration);

    [LoggerMessage(1103, LogLevel.Information, "Applied migration {Migration} in {ElapsedMilliseconds} ms")]
    public static partial void MigrationApplied(ILogger logger, string migration, long elapsedMilliseconds);

    [LoggerMessage(1104, LogLevel.Information, "Copied the SQLite database to {BackupPath} before migrating")]
    public static partial void SqliteBackupWritten(ILogger logger, string backupPath);

    [LoggerMessage(1105, LogLevel.Error, "Migration {Migration} failed; the schema is marked as interrupted")]
    public static partial void MigrationFailed(ILogger logger, string migration, Exception exception);

    [LoggerMessage(1106, LogLevel.Information, "Waiting for another server to finish migrating the database")]
    public static partial void WaitingForMigrationLock(ILogger logger);
}
