using System.Data.Common;
using System.Globalization;
using Microsoft.EntityFrameworkCore.Diagnostics;

namespace Wharf.Server.Data;

/// <summary>
/// Sets per-connection SQLite pragmas on every open. <c>busy_timeout</c> makes a writer wait for the lock held by
/// another writer instead of failing at once; WAL lets readers proceed meanwhile (set once, it is persistent).
/// </summary>
internal sealed class SqliteConnectionInterceptor(TimeSpan busyTimeout) : DbConnectionInterceptor
{
    private readonly string pragmas =
        string.Create(CultureInfo.InvariantCulture, $"PRAGMA busy_timeout = {(int)busyTimeout.TotalMilliseconds};");

    public override void ConnectionOpened(DbConnection connection, ConnectionEndEventData eventData)
    {
        using var command = connection.CreateCommand();
        command.CommandText = pragmas;
        command.ExecuteNonQuery();
    }

    public override async Task ConnectionOpenedAsync(
        DbConnection connection, ConnectionEndEventData eventData, CancellationToken cancellationToken = default)
    {
        await using var command = connection.CreateCommand();
        command.CommandText = pragmas;
        await command.ExecuteNonQueryAsync(cancellationToken);
    }
}
