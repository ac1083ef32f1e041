using System.Buffers;
using System.Text;
using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Storage;
using Npgsql;
using NpgsqlTypes;
using Wharf.Server.Data;

namespace Wharf.Server.Tracking;

/// <summary>
/// Appends a batch's points to the metric history the fastest way each engine has, inside the batch's transaction:
/// binary COPY on PostgreSQL; on SQLite one short statement that reads the rows from a JSON array parameter
/// (<c>json_each</c>), so SQLite parses a constant statement and a compact array instead of a 60 KB VALUES list (a
/// profile of log-batch showed the SQL parser among the top SQLite symbols). Points whose value is infinite cannot be
/// JSON numbers; a batch holding one takes the multi-row INSERT instead (rare).
/// </summary>
internal sealed partial class TrackingStore
{
    private const string AppendFromJsonSql = """
        INSERT INTO "tracking_metrics" ("run_uuid", "key", "value", "is_nan", "timestamp", "step")
        SELECT @r, "j"."value" ->> 0, "j"."value" ->> 1, "j"."value" ->> 2, "j"."value" ->> 3, "j"."value" ->> 4
        FROM json_each(@rows) AS "j"
        """;

    private async Task AppendMetricHistoryAsync(Run run, IReadOnlyList<MetricPoint> points, CancellationToken cancellationToken)
    {
        if (db is PostgresWharfDbContext)
        {
            await CopyMetricHistoryAsync(run, points, cancellationToken);
        }
        else if (points.All(p => double.IsFinite(p.Value) || double.IsNaN(p.Value)))
        {
            await using var command = db.Database.GetDbConnection().CreateCommand();
            command.Transaction = db.Database.CurrentTransaction?.GetDbTransaction();
            command.CommandText = AppendFromJsonSql;
            AddParameter(command, "@r", run.RunUuid);
            AddParameter(command, "@rows", HistoryRowsJson(points));
            await command.ExecuteNonQueryAsync(cancellationToken);
        }
        else
        {
            await InsertMetricRowsAsync(run, points, latestTable: false, cancellationToken);
        }
    }

    /// <summary><c>[[key, value, is_nan, timestamp, step], ...]</c>; NaN is stored as 0 with is_nan set, as everywhere.</summary>
    private static string HistoryRowsJson(IReadOnlyList<MetricPoint> points)
    {
        var buffer = new ArrayBufferWriter<byte>(points.Count * 48);
        using (var json = new Utf8JsonWriter(buffer))
        {
            json.WriteStartArray();
            foreach (var point in points)
            {
                var isNan = double.IsNaN(point.Value);
                json.WriteStartArray();
                json.WriteStringValue(point.Key);
                json.WriteNumberValue(isNan ? 0d : point.Value);
                json.WriteNumberValue(isNan ? 1 : 0);
                json.WriteNumberValue(point.Timestamp);
                json.WriteNumberValue(point.Step);
                json.WriteEndArray();
            }

            json.WriteEndArray();
        }

        return Encoding.UTF8.GetString(buffer.WrittenSpan);
    }

    private async Task CopyMetricHistoryAsync(Run run, IReadOnlyList<MetricPoint> points, CancellationToken cancellationToken)
    {
        var connection = (NpgsqlConnection)db.Database.GetDbConnection();
        await using var copy = await connection.BeginBinaryImportAsync(
            """COPY "tracking_metrics" ("run_uuid", "key", "value", "is_nan", "timestamp", "step") FROM STDIN (FORMAT BINARY)""", cancellationToken);
        foreach (var point in points)
        {
            var isNan = double.IsNaN(point.Value);
            await copy.StartRowAsync(cancellationToken);
            await copy.WriteAsync(run.RunUuid, NpgsqlDbType.Varchar, cancellationToken);
            await copy.WriteAsync(point.Key, NpgsqlDbType.Varchar, cancellationToken);
            await copy.WriteAsync(isNan ? 0d : point.Value, NpgsqlDbType.Double, cancellationToken);
            await copy.WriteAsync(isNan, NpgsqlDbType.Boolean, cancellationToken);
            await copy.WriteAsync(point.Timestamp, NpgsqlDbType.Bigint, cancellationToken);
            await copy.WriteAsync(point.Step, NpgsqlDbType.Bigint, cancellationToken);
        }

        await copy.CompleteAsync(cancellationToken);
    }
}
