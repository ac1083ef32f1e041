using System.Globalization;
using System.Text;
using Microsoft.Data.Sqlite;

namespace Wharf.Benchmarks.Tracking;

/// <summary>SQLite (Wharf's default): each server keeps <c>wharf.db</c> in its data directory, WAL, synchronous=FULL.</summary>
internal sealed class SqliteTrackingEngine : TrackingEngine
{
    public override string Name => "SQLite";

    public override Task<string[]> ServerArgumentsAsync(string directory) => Task.FromResult<string[]>([]);

    public override async Task<RawMetricWriter> OpenWriterAsync(string directory) => new Writer(await OpenAsync(directory));

    public override async Task SeedAsync(string directory, long experiment, IEnumerable<SeedRun> runs)
    {
        await using var connection = await OpenAsync(directory);
        const int PerTransaction = 2000;
        foreach (var chunk in runs.Chunk(PerTransaction))
        {
            await using var transaction = connection.BeginTransaction(deferred: false);
            var run = Command(connection, transaction, "INSERT INTO tracking_runs (run_uuid, experiment_id, name, status, start_time, end_time, lifecycle_stage, user_id, artifact_uri) VALUES ($id, $e, $n, 'FINISHED', $t, $t, 'active', 'bench', $a)", "$id", "$e", "$n", "$t", "$a");
            var param = Command(connection, transaction, "INSERT INTO tracking_params (run_uuid, experiment_id, key, value) VALUES ($id, $e, $k, $v)", "$id", "$e", "$k", "$v");
            var tag = Command(connection, transaction, "INSERT INTO tracking_run_tags (run_uuid, experiment_id, key, value) VALUES ($id, $e, $k, $v)", "$id", "$e", "$k", "$v");
            var metric = Command(connection, transaction, "INSERT INTO tracking_metrics (run_uuid, key, value, is_nan, timestamp, step) VALUES ($id, $k, $v, 0, $t, 0)", "$id", "$k", "$v", "$t");
            var latest = Command(connection, transaction, "INSERT INTO tracking_latest_metrics (run_uuid, experiment_id, key, value, is_nan, timestamp, step) VALUES ($id, $e, $k, $v, 0, $t, 0)", "$id", "$e", "$k", "$v", "$t");
            foreach (var seed in chunk)
            {
                await ExecuteAsync(run, seed.Id, experiment, $"run-{seed.Time}", seed.Time, $"mlflow-artifacts:/{experiment}/{seed.Id}/artifacts");
                foreach (var (key, value) in seed.Params)
                {
                    await ExecuteAsync(param, seed.Id, experiment, key, value);
                }

                foreach (var (key, value) in seed.Metrics)
                {
                    await ExecuteAsync(metric, seed.Id, key, value, seed.Time);
                    await ExecuteAsync(latest, seed.Id, experiment, key, value, seed.Time);
                }

                foreach (var (key, value) in seed.Tags)
                {
                    await ExecuteAsync(tag, seed.Id, experiment, key, value);
                }
            }

            await transaction.CommitAsync();
        }

        await using var analyze = connection.CreateCommand();
        analyze.CommandText = "ANALYZE";
        await analyze.ExecuteNonQueryAsync();
    }

    public override async Task SeedHistoryAsync(string directory, string run, string key, int count)
    {
        await using var connection = await OpenAsync(directory);
        const int PerStatement = 1000;
        for (var start = 0; start < count; start += 100 * PerStatement)
        {
            await using var transaction = connection.BeginTransaction(deferred: false);
            for (var first = start; first < Math.Min(count, start + 100 * PerStatement); first += PerStatement)
            {
                await using var command = connection.CreateCommand();
                command.Transaction = transaction;
                command.Parameters.AddWithValue("$r", run);
                command.Parameters.AddWithValue("$k", key);
                var sql = new StringBuilder("INSERT INTO tracking_metrics (run_uuid, key, value, is_nan, timestamp, step) VALUES ");
                for (var i = first; i < Math.Min(count, first + PerStatement); i++)
                {
                    sql.Append(i == first ? "" : ",").Append(CultureInfo.InvariantCulture, $"($r, $k, {RawMetricWriter.Value(i).ToString("R", CultureInfo.InvariantCulture)}, 0, {1_700_000_000_000L + i}, {i})");
                }

                command.CommandText = sql.ToString();
                await command.ExecuteNonQueryAsync();
            }

            await transaction.CommitAsync();
        }
    }

    private static async Task<SqliteConnection> OpenAsync(string directory)
    {
        var connection = new SqliteConnection($"Data Source={Path.Combine(directory, "wharf.db")};Pooling=False");
        await connection.OpenAsync();
        await using var pragma = connection.CreateCommand();
        // Wharf's own settings: WAL, and SQLite's default synchronous=FULL, so a committed batch survives a power loss
        // on both sides.
        pragma.CommandText = "PRAGMA journal_mode = WAL; PRAGMA synchronous = FULL; PRAGMA busy_timeout = 30000;";
        await pragma.ExecuteNonQueryAsync();
        return connection;
    }

    private static SqliteCommand Command(SqliteConnection connection, SqliteTransaction transaction, string sql, params string[] parameters)
    {
        var command = connection.CreateCommand();
        command.Transaction = transaction;
        command.CommandText = sql;
        foreach (var name in parameters)
        {
            command.Parameters.Add(new SqliteParameter { ParameterName = name });
        }

        command.Prepare();
        return command;
    }

    private static Task<int> ExecuteAsync(SqliteCommand command, params object[] values)
    {
        for (var i = 0; i < values.Length; i++)
        {
            command.Parameters[i].Value = values[i];
        }

        return command.ExecuteNonQueryAsync();
    }

    /// <summary>The same 1,000 rows a log-batch carries, in one multi-row INSERT in its own transaction.</summary>
    private sealed class Writer(SqliteConnection connection) : RawMetricWriter
    {
        public override async Task InsertAsync(string run, long firstStep)
        {
            await using var transaction = connection.BeginTransaction(deferred: false);
            await using var command = connection.CreateCommand();
            command.Transaction = transaction;
            var sql = new StringBuilder("INSERT INTO tracking_metrics (run_uuid, key, value, is_nan, timestamp, step) VALUES ");
            var timestamp = DateTimeOffset.UtcNow.ToUnixTimeMilliseconds();
            command.Parameters.AddWithValue("$r", run);
            command.Parameters.AddWithValue("$t", timestamp);
            for (var i = 0; i < BatchSize; i++)
            {
                // Numbers as literals, like Wharf: SQLite looks named parameters up one by one, so a parameter per value
                // would make the anchor slower than it needs to be.
                sql.Append(i == 0 ? "" : ",").Append(CultureInfo.InvariantCulture, $"($r, $k{i % 20}, {Value(firstStep + i).ToString("R", CultureInfo.InvariantCulture)}, 0, $t, {firstStep + i / 20})");
            }

            for (var k = 0; k < 20; k++)
            {
                command.Parameters.AddWithValue($"$k{k}", $"m{k}");
            }

            command.CommandText = sql.ToString();
            await command.ExecuteNonQueryAsync();
            await transaction.CommitAsync();
        }

        public override ValueTask DisposeAsync() => connection.DisposeAsync();
    }
}
