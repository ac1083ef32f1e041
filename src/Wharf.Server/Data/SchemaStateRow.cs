namespace Wharf.Server.Data;

/// <summary>The single row of <c>wharf_schema_state</c> (see <see cref="DatabaseMigrator"/>).</summary>
internal sealed class SchemaStateRow
{
    public const string Ready = "ready";
    public const string Migrating = "migrating";

    public string State { get; set; } = Ready;

    /// <summary>The migration being applied while <see cref="State"/> is <see cref="Migrating"/>.</summary>
    public string? Migration { get; set; }

    /// <summary>The Wharf version that last changed the row, that is, that last migrated the database.</summary>
    public string WharfVersion { get; set; } = "";

    /// <summary>When the row last changed, ISO 8601 UTC (text, so the table is the same on every provider).</summary>
    public string UpdatedAt { get; set; } = "";
}
