using System.Data.Common;
using System.Globalization;
using System.Runtime.CompilerServices;
using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore.Diagnostics;

namespace Wharf.Server.Data;

/// <summary>
/// Sets per-connection SQLite pragmas on every open. <c>busy_timeout</c> makes a writer wait for the lock held by
/// another writer instead of failing at once; WAL lets readers proceed meanwhile (set once, it is persistent).
/// <c>mmap_size</c> lets reads use the operating system's page cache in place: without it every page a query touches
/// beyond the connection's 2 MB cache is copied in by a read() system call, which was half the time of a search over
/// 100,000 runs. Writes still go through SQLite's own path (WAL), so a torn write cannot reach the file through the map.
/// Both pragmas belong to the native connection and outlive a return to the connection pool, so they are set once per
/// native connection, not on every open: parsing and running them was a tenth of a small registry GET's CPU.
/// </summary>
internal sealed class SqliteConnectionInterceptor(TimeSpan busyTimeout) : DbConnectionInterceptor
{
    private readonly string pragmas =
        string.Create(CultureInfo.InvariantCulture, $"PRAGMA busy_timeout = {(int)busyTimeout.TotalMilliseconds}; PRAGMA mmap_size = {MmapBytes};");

    /// <summary>How much of the database file a connection maps (address space, not memory: 1 GiB).</summary>
    private const long MmapBytes = 1L << 30;

    /// <summary>The native connections already set up; an entry goes when the pool closes its connection.</summary>
    private readonly ConditionalWeakTable<object, object> configured = [];

    private static readonly object Marker = new();

    public override void ConnectionOpened(DbConnection connection, ConnectionEndEventData eventData)
    {
        if (IsConfigured(connection))
        {
            return;
        }

        using var command = connection.CreateCommand();
        command.CommandText = pragmas;
        command.ExecuteNonQuery();
        MarkConfigured(connection);
    }

    public override async Task ConnectionOpenedAsync(
        DbConnection connection, ConnectionEndEventData eventData, CancellationToken cancellationToken = default)
    {
        if (IsConfigured(connection))
        {
            return;
        }

        await using var command = connection.CreateCommand();
        command.CommandText = pragmas;
        await command.ExecuteNonQueryAsync(cancellationToken);
        MarkConfigured(connection);
    }

    // Keyed by the native connection, which one open connection uses at a time, so there is no race between the check
    // and the mark; marked only after the pragmas ran, so a failed run is retried at the next open.
    private bool IsConfigured(DbConnection connection)
        => connection is SqliteConnection { Handle: { } handle } && configured.TryGetValue(handle, out _);

    private void MarkConfigured(DbConnection connection)
    {
        if (connection is SqliteConnection { Handle: { } handle })
        {
            configured.AddOrUpdate(handle, Marker);
        }
    }
}
