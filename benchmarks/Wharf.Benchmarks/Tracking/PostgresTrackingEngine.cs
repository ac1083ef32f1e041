using Npgsql;
using NpgsqlTypes;

namespace Wharf.Benchmarks.Tracking;

/// <summary>
/// PostgreSQL: each server gets a database of its own on the server <c>WHARF_BENCH_POSTGRES</c> names (a connection
/// string without a database; benchmarks/tracking/run.sh starts a throwaway one). The anchor writes with binary COPY.
/// </summary>
internal sealed class PostgresTrackingEngine(string connectionString) : TrackingEngine
{
    private readonly Dictionary<string, string> databases = new(StringComparer.Ordinal);

    public override string Name => "PostgreSQL";

    public override async Task<string[]> ServerArgumentsAsync(string directory) =>
    [
        "--Wharf:Database:Provider=postgres",
        $"--Wharf:Database:ConnectionString={await DatabaseAsync(directory)}",
    ];

    public override async Task<RawMetricWriter> OpenWriterAsync(string directory) => new Writer(await OpenAsync(directory));

    public override async Task SeedAsync(string directory, long experiment, IEnumerable<SeedRun> runs)
    {
        await using var connection = await OpenAsync(directory);
        foreach (var chunk in runs.Chunk(5000))
        {
            await using var transaction = await connection.BeginTransactionAsync();
            await CopyAsync(connection, "tracking_runs (run_uuid, experiment_id, name, status, start_time, end_time, lifecycle_stage, user_id, artifact_uri)", chunk, async (copy, seed) =>
            {
                await copy.StartRowAsync();
                await copy.WriteAsync(seed.Id, NpgsqlDbType.Varchar);
                await copy.WriteAsync(experiment, NpgsqlDbType.Bigint);
                await copy.WriteAsync($"run-{seed.Time}", NpgsqlDbType.Varchar);
                await copy.WriteAsync("FINISHED", NpgsqlDbType.Varchar);
                await copy.WriteAsync(seed.Time, NpgsqlDbType.Bigint);
                await copy.WriteAsync(seed.Time, NpgsqlDbType.Bigint);
                await copy.WriteAsync("active", NpgsqlDbType.Varchar);
                await copy.WriteAsync("bench", NpgsqlDbType.Varchar);
                await copy.WriteAsync($"mlflow-artifacts:/{experiment}/{seed.Id}/artifacts", NpgsqlDbType.Varchar);
            });
            await CopyAsync(connection, "tracking_params (run_uuid, experiment_id, key, value)", chunk, (copy, seed) => KeyValuesAsync(copy, seed.Id, experiment, seed.Params));
            await CopyAsync(connection, "tracking_run_tags (run_uuid, experiment_id, key, value)", chunk, (copy, seed) => KeyValuesAsync(copy, seed.Id, experiment, seed.Tags));
            await CopyAsync(connection, "tracking_metrics (run_uuid, key, value, is_nan, timestamp, step)", chunk, (copy, seed) => MetricsAsync(copy, seed, null));
            await CopyAsync(connection, "tracking_latest_metrics (run_uuid, experiment_id, key, value, is_nan, timestamp, step)", chunk, (copy, seed) => MetricsAsync(copy, seed, experiment));
            await transaction.CommitAsync();
        }

        // VACUUM too, as autovacuum would have by now: it sets the visibility map that index-only scans rely on.
        await using var analyze = new NpgsqlCommand("VACUUM ANALYZE", connection);
        await analyze.ExecuteNonQueryAsync();
    }

    public override async Task SeedHistoryAsync(string directory, string run, string key, int count)
    {
        await using var connection = await OpenAsync(directory);
        await using (var copy = await connection.BeginBinaryImportAsync("COPY tracking_metrics (run_uuid, key, value, is_nan, timestamp, step) FROM STDIN (FORMAT BINARY)"))
        {
            for (var i = 0; i < count; i++)
            {
                await copy.StartRowAsync();
                await copy.WriteAsync(run, NpgsqlDbType.Varchar);
                await copy.WriteAsync(key, NpgsqlDbType.Varchar);
                await copy.WriteAsync(RawMetricWriter.Value(i), NpgsqlDbType.Double);
                await copy.WriteAsync(false, NpgsqlDbType.Boolean);
                await copy.WriteAsync(1_700_000_000_000L + i, NpgsqlDbType.Bigint);
                await copy.WriteAsync((long)i, NpgsqlDbType.Bigint);
            }

            await copy.CompleteAsync();
        }

        await using var analyze = new NpgsqlCommand("VACUUM ANALYZE tracking_metrics", connection);
        await analyze.ExecuteNonQueryAsync();
    }

    public override async Task CleanUpAsync()
    {
        NpgsqlConnection.ClearAllPools();
        await using var admin = new NpgsqlConnection(new NpgsqlConnectionStringBuilder(connectionString) { Database = "postgres" }.ConnectionString);
        await admin.OpenAsync();
        foreach (var name in databases.Values)
        {
            await using var drop = new NpgsqlCommand($"DROP DATABASE IF EXISTS \"{name}\" WITH (FORCE)", admin);
            await drop.ExecuteNonQueryAsync();
        }
    }

    /// <summary>The connection string of the database of <paramref name="directory"/>, created on first use.</summary>
    private async Task<string> DatabaseAsync(string directory)
    {
        if (!databases.TryGetValue(directory, out var name))
        {
            name = $"wharf_bench_{databases.Count}_{Environment.ProcessId}";
            await using var admin = new NpgsqlConnection(new NpgsqlConnectionStringBuilder(connectionString) { Database = "postgres" }.ConnectionString);
            await admin.OpenAsync();
            await using var create = new NpgsqlCommand($"CREATE DATABASE \"{name}\"", admin);
            await create.ExecuteNonQueryAsync();
            databases[directory] = name;
        }

        return new NpgsqlConnectionStringBuilder(connectionString) { Database = name }.ConnectionString;
    }

    private async Task<NpgsqlConnection> OpenAsync(string directory)
    {
        var connection = new NpgsqlConnection(await DatabaseAsync(directory));
        await connection.OpenAsync();
        return connection;
    }

    private static async Task CopyAsync(NpgsqlConnection connection, string target, SeedRun[] runs, Func<NpgsqlBinaryImporter, SeedRun, Task> write)
    {
        await using var copy = await connection.BeginBinaryImportAsync($"COPY {target} FROM STDIN (FORMAT BINARY)");
        foreach (var seed in runs)
        {
            await write(copy, seed);
        }

        await copy.CompleteAsync();
    }

    private static async Task KeyValuesAsync(NpgsqlBinaryImporter copy, string run, long experiment, (string Key, string Value)[] rows)
    {
        foreach (var (key, value) in rows)
        {
            await copy.StartRowAsync();
            await copy.WriteAsync(run, NpgsqlDbType.Varchar);
            await copy.WriteAsync(experiment, NpgsqlDbType.Bigint);
            await copy.WriteAsync(key, NpgsqlDbType.Varchar);
            await copy.WriteAsync(value, NpgsqlDbType.Varchar);
        }
    }

    private static async Task MetricsAsync(NpgsqlBinaryImporter copy, SeedRun seed, long? experiment)
    {
        foreach (var (key, value) in seed.Metrics)
        {
            await copy.StartRowAsync();
            await copy.WriteAsync(seed.Id, NpgsqlDbType.Varchar);
            if (experiment is { } id)
            {
                await copy.WriteAsync(id, NpgsqlDbType.Bigint);
            }

            await copy.WriteAsync(key, NpgsqlDbType.Varchar);
            await copy.WriteAsync(value, NpgsqlDbType.Double);
            await copy.WriteAsync(false, NpgsqlDbType.Boolean);
            await copy.WriteAsync(seed.Time, NpgsqlDbType.Bigint);
            await copy.WriteAsync(0L, NpgsqlDbType.Bigint);
        }
    }

    /// <summary>The same 1,000 rows a log-batch carries, by binary COPY in its own transaction.</summary>
    private sealed class Writer(NpgsqlConnection connection) : RawMetricWriter
    {
        public override async Task InsertAsync(string run, long firstStep)
        {
            var timestamp = DateTimeOffset.UtcNow.ToUnixTimeMilliseconds();
            await using var transaction = await connection.BeginTransactionAsync();
            await using (var copy = await connection.BeginBinaryImportAsync("COPY tracking_metrics (run_uuid, key, value, is_nan, timestamp, step) FROM STDIN (FORMAT BINARY)"))
            {
                for (var i = 0; i < BatchSize; i++)
                {
                    await copy.StartRowAsync();
                    await copy.WriteAsync(run, NpgsqlDbType.Varchar);
                    await copy.WriteAsync(Keys[i % 20], NpgsqlDbType.Varchar);
                    await copy.WriteAsync(Value(firstStep + i), NpgsqlDbType.Double);
                    await copy.WriteAsync(false, NpgsqlDbType.Boolean);
                    await copy.WriteAsync(timestamp, NpgsqlDbType.Bigint);
                    await copy.WriteAsync(firstStep + i / 20, NpgsqlDbType.Bigint);
                }

                await copy.CompleteAsync();
            }

            await transaction.CommitAsync();
        }

        public override ValueTask DisposeAsync() => connection.DisposeAsync();

        private static readonly string[] Keys = [.. Enumerable.Range(0, 20).Select(k => $"m{k}")];
    }
}
