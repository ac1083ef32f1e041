namespace Wharf.Server.Data;

/// <summary>Metadata database settings, bound from <c>Wharf:Database</c>.</summary>
internal sealed class DatabaseOptions
{
    public const string Section = "Wharf:Database";

    /// <summary><c>sqlite</c> (default, a file in the data directory) or <c>postgres</c>.</summary>
    public string Provider { get; set; } = DatabaseProviders.Sqlite;

    /// <summary>
    /// Connection string. For SQLite it defaults to <c>wharf.db</c> in the data directory; for PostgreSQL it is
    /// required.
    /// </summary>
    public string? ConnectionString { get; set; }
}
