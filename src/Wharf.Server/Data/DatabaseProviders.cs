namespace Wharf.Server.Data;

/// <summary>The values <c>Wharf:Database:Provider</c> accepts.</summary>
internal static class DatabaseProviders
{
    public const string Sqlite = "sqlite";
    public const string Postgres = "postgres";

    public static IReadOnlyList<string> All { get; } = [Sqlite, Postgres];
}
