namespace Wharf.Server.Data;

/// <summary>What the start-up migration left the schema at; read by the status endpoint.</summary>
internal sealed class DatabaseSchema
{
    private volatile string? currentMigration;

    /// <summary>The last applied migration, or null before the database was migrated.</summary>
    public string? CurrentMigration
    {
        get => currentMigration;
        set => currentMigration = value;
    }
}
