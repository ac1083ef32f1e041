using System.Diagnostics;
using System.Globalization;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Runtime.InteropServices;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.Extensions.DependencyInjection;
using Wharf.Server.Hosting;

namespace Wharf.Benchmarks.Tracking;

/// <summary>
/// <c>dotnet run -c Release --project benchmarks/Wharf.Benchmarks -- tracking [seconds] [max-runs]</c> (seconds 0: search only): the tracking
/// server's two hot paths, side by side with their anchors, in one process on one machine.
/// </summary>
/// <remarks>
/// <para>Ingest: <c>runs/log-batch</c> with 1,000 metrics per request over HTTP from 1, 4 and 16 concurrent writers,
/// against the same rows inserted straight into the same schema (a migrated copy of Wharf's own database, same
/// indexes) by as many writers, each batch in its own transaction: one multi-row INSERT on SQLite (WAL,
/// synchronous=FULL), binary COPY on PostgreSQL. PostgreSQL runs when <c>WHARF_BENCH_POSTGRES</c> names a server
/// (benchmarks/tracking/run.sh starts a throwaway one and sets it). Wharf also keeps the latest-metric table that
/// search reads; the raw side does not, so the ratio includes that work as well as HTTP, JSON and validation.</para>
/// <para>Search: 1,000 / 10,000 / 100,000 runs of 20 params, 20 metrics and 10 tags each, seeded straight into the
/// database (not timed), then <c>runs/search</c> with <c>metrics.m0 &gt; 0.9 and params.lr = '0.01'</c> ordered by
/// <c>metrics.m1 DESC</c>, 100 results, over HTTP: p50 and p99 latency. The issue's targets: p50 &lt; 100 ms, p99 &lt;
/// 300 ms at 100,000 runs.</para>
/// </remarks>
internal static class TrackingSideBySide
{
    private const int BatchSize = RawMetricWriter.BatchSize;

    public static async Task<int> RunAsync(string[] args)
    {
        var seconds = args.Length > 0 ? int.Parse(args[0], CultureInfo.InvariantCulture) : 10;
        var maxRuns = args.Length > 1 ? int.Parse(args[1], CultureInfo.InvariantCulture) : 100_000;
        var root = Directory.CreateTempSubdirectory("wharf-tracking-bench-").FullName;
        List<TrackingEngine> engines = [new SqliteTrackingEngine()];
        if (Environment.GetEnvironmentVariable("WHARF_BENCH_POSTGRES") is { Length: > 0 } postgres)
        {
            engines.Add(new PostgresTrackingEngine(postgres));
        }

        Console.WriteLine($"date        {DateTimeOffset.Now:yyyy-MM-dd HH:mm zzz}");
        Console.WriteLine($"machine     {Environment.ProcessorCount} cores, {RuntimeInformation.OSDescription}, {RuntimeInformation.FrameworkDescription}, load average {LoadAverage()}");
        Console.WriteLine($"directory   {root}");
        Console.WriteLine($"engines     {string.Join(", ", engines.Select(e => e.Name))}{(engines.Count == 1 ? " (set WHARF_BENCH_POSTGRES, or use benchmarks/tracking/run.sh, for PostgreSQL)" : "")}");
        Console.WriteLine();
        var ok = true;
        try
        {
            foreach (var engine in engines)
            {
                var directory = Path.Combine(root, engine.Name.ToLowerInvariant());
                // seconds = 0 skips the ingest part and measures search alone.
                ok &= seconds == 0 || await IngestAsync(engine, Path.Combine(directory, "ingest"), seconds);
                ok &= await SearchAsync(engine, Path.Combine(directory, "search"), maxRuns);
                ok &= await HistoryAsync(engine, Path.Combine(directory, "history"), Math.Min(maxRuns * 10, 1_000_000));
            }

            return ok ? 0 : 1;
        }
        finally
        {
            // WHARF_BENCH_KEEP=1 keeps the databases for a look at query plans (sqlite3 <directory>/sqlite/search/wharf/wharf.db).
            if (Environment.GetEnvironmentVariable("WHARF_BENCH_KEEP") != "1")
            {
                foreach (var engine in engines)
                {
                    await engine.CleanUpAsync();
                }

                Directory.Delete(root, recursive: true);
            }
        }
    }

    private static async Task<bool> IngestAsync(TrackingEngine engine, string root, int seconds)
    {
        Console.WriteLine($"ingest on {engine.Name}: log-batch of {BatchSize} metrics per request, {seconds} s per side and writer count");
        Console.WriteLine($"{"writers",8} {"Wharf points/s",15} {"raw points/s",13} {"ratio",6} {"target",7} {"Wharf CPU s",12} {"raw CPU s",10}");
        var ok = true;
        await using var server = await Server.StartAsync(engine, Path.Combine(root, "wharf"));
        var experiment = await server.CreateExperimentAsync("bench/ingest");

        // The raw side writes into a second, freshly migrated database of the same schema, into runs created there
        // (the foreign keys hold on both sides). Its server stays idle while the raw inserts run.
        var rawDirectory = Path.Combine(root, "raw");
        await using var rawServer = await Server.StartAsync(engine, rawDirectory);
        var rawExperiment = await rawServer.CreateExperimentAsync("bench/ingest");

        // Warm-up, not measured: the first seconds of a fresh process JIT-compile the request path and then
        // recompile its hot methods (tiered compilation); without it the first row measured Wharf's start-up (a
        // profile of the 1-writer row showed 16 % of samples in the JIT) while the raw side, measured after, ran warm.
        // Four writers for a while, so the hot methods are called often enough to reach their final tier.
        var warmRuns = new string[4];
        var rawWarmRuns = new string[4];
        var warmWriters = new RawMetricWriter[4];
        for (var i = 0; i < 4; i++)
        {
            warmRuns[i] = await server.CreateRunAsync(experiment);
            rawWarmRuns[i] = await rawServer.CreateRunAsync(rawExperiment);
            warmWriters[i] = await engine.OpenWriterAsync(rawDirectory);
        }

        await MeasureAsync(4, Math.Max(5, seconds), (writer, step) => server.LogBatchAsync(warmRuns[writer], step));
        await MeasureAsync(4, Math.Max(5, seconds), (writer, step) => warmWriters[writer].InsertAsync(rawWarmRuns[writer], step));
        foreach (var writer in warmWriters)
        {
            await writer.DisposeAsync();
        }

        foreach (var writers in new[] { 1, 4, 16 })
        {
            var runs = new string[writers];
            var rawRuns = new string[writers];
            for (var i = 0; i < writers; i++)
            {
                runs[i] = await server.CreateRunAsync(experiment);
                rawRuns[i] = await rawServer.CreateRunAsync(rawExperiment);
            }

            var cpu = Process.GetCurrentProcess().TotalProcessorTime;
            var wharf = await MeasureAsync(writers, seconds, (writer, step) => server.LogBatchAsync(runs[writer], step));
            var wharfCpu = (Process.GetCurrentProcess().TotalProcessorTime - cpu).TotalSeconds;

            var rawWriters = new RawMetricWriter[writers];
            for (var i = 0; i < writers; i++)
            {
                rawWriters[i] = await engine.OpenWriterAsync(rawDirectory);
            }

            cpu = Process.GetCurrentProcess().TotalProcessorTime;
            var raw = await MeasureAsync(writers, seconds, (writer, step) => rawWriters[writer].InsertAsync(rawRuns[writer], step));
            var rawCpu = (Process.GetCurrentProcess().TotalProcessorTime - cpu).TotalSeconds;
            foreach (var writer in rawWriters)
            {
                await writer.DisposeAsync();
            }

            var ratio = wharf / raw;
            ok &= ratio >= 0.5;
            Console.WriteLine($"{writers,8} {wharf,15:N0} {raw,13:N0} {ratio,6:F2} {">= 0.5",7} {wharfCpu,12:F1} {rawCpu,10:F1}");
        }

        Console.WriteLine();
        return ok;
    }

    private static async Task<bool> SearchAsync(TrackingEngine engine, string root, int maxRuns)
    {
        Console.WriteLine($"search on {engine.Name}: metrics.m0 > 0.9 and params.lr = '0.01', order by metrics.m1 DESC, 100 results; 20 params, 20 metrics, 10 tags per run");
        Console.WriteLine($"{"runs",8} {"matches",8} {"p50 ms",8} {"p99 ms",8} {"target p50/p99",15} {"seed s",7}");
        var ok = true;
        var directory = Path.Combine(root, "wharf");
        await (await Server.StartAsync(engine, directory)).DisposeAsync();
        var sizes = new[] { 1_000, 10_000, 100_000 }.Where(n => n <= maxRuns).ToArray();
        var experiments = new Dictionary<int, long>();
        var seeding = new Dictionary<int, double>();
        await using (var server = await Server.StartAsync(engine, directory))
        {
            foreach (var n in sizes)
            {
                experiments[n] = await server.CreateExperimentAsync($"bench/search-{n}");
            }
        }

        foreach (var n in sizes)
        {
            var watch = Stopwatch.StartNew();
            await engine.SeedAsync(directory, experiments[n], SeedRun.Generate(experiments[n], n));
            seeding[n] = watch.Elapsed.TotalSeconds;
        }

        await using (var server = await Server.StartAsync(engine, directory))
        {
            foreach (var n in sizes)
            {
                var body = new JsonObject
                {
                    ["experiment_ids"] = new JsonArray(experiments[n].ToString(CultureInfo.InvariantCulture)),
                    ["filter"] = "metrics.m0 > 0.9 and params.lr = '0.01'",
                    ["order_by"] = new JsonArray("metrics.m1 DESC"),
                    ["max_results"] = 100,
                }.ToJsonString();
                var matches = 0;
                for (var i = 0; i < 5; i++)
                {
                    matches = await server.SearchAsync(body);
                }

                var times = new List<double>();
                for (var i = 0; i < 60; i++)
                {
                    var watch = Stopwatch.StartNew();
                    await server.SearchAsync(body);
                    times.Add(watch.Elapsed.TotalMilliseconds);
                }

                times.Sort();
                var p50 = times[times.Count / 2];
                var p99 = times[(int)Math.Ceiling(times.Count * 0.99) - 1];
                ok &= n < 100_000 || (p50 < 100 && p99 < 300);
                Console.WriteLine($"{n,8:N0} {matches,8} {p50,8:F1} {p99,8:F1} {"< 100 / < 300",15} {seeding[n],7:F1}");
            }
        }

        Console.WriteLine();
        return ok;
    }

    /// <summary>
    /// get-history of one metric with <paramref name="points"/> steps, read page by page as the MLflow client does
    /// (25,000 points a page, the server's limit): all points arrive in order, and the process's managed heap stays
    /// bounded (it is sampled after every page; the whole history as JSON would be ~60 MB).
    /// </summary>
    private static async Task<bool> HistoryAsync(TrackingEngine engine, string root, int points)
    {
        Console.WriteLine($"get-history on {engine.Name}: one metric with {points:N0} steps, paged (the server's page limit)");
        Console.WriteLine($"{"points",10} {"pages",6} {"total s",8} {"page p50 ms",12} {"page p99 ms",12} {"heap before MB",15} {"heap max MB",12} {"points/s",10}");
        await using var server = await Server.StartAsync(engine, Path.Combine(root, "wharf"));
        var experiment = await server.CreateExperimentAsync("bench/history");
        var run = await server.CreateRunAsync(experiment);
        await engine.SeedHistoryAsync(Path.Combine(root, "wharf"), run, "loss", points);

        GC.Collect();
        var heapBefore = GC.GetTotalMemory(forceFullCollection: true);
        var heapMax = heapBefore;
        var times = new List<double>();
        var total = Stopwatch.StartNew();
        string? token = null;
        long received = 0, expectedStep = 0;
        do
        {
            var watch = Stopwatch.StartNew();
            var (count, firstStep, lastStep, next) = await server.HistoryPageAsync(run, "loss", token);
            times.Add(watch.Elapsed.TotalMilliseconds);
            if (count > 0 && firstStep != expectedStep)
            {
                throw new InvalidOperationException($"get-history page starts at step {firstStep}, expected {expectedStep}.");
            }

            received += count;
            expectedStep = lastStep + 1;
            token = next;
            heapMax = Math.Max(heapMax, GC.GetTotalMemory(forceFullCollection: false));
        }
        while (token is not null);

        var seconds = total.Elapsed.TotalSeconds;
        times.Sort();
        var ok = received == points;
        Console.WriteLine($"{received,10:N0} {times.Count,6} {seconds,8:F1} {times[times.Count / 2],12:F1} {times[(int)Math.Ceiling(times.Count * 0.99) - 1],12:F1} {heapBefore / 1e6,15:F0} {heapMax / 1e6,12:F0} {received / seconds,10:N0}");
        Console.WriteLine();
        return ok;
    }

    /// <summary>Runs <paramref name="writers"/> loops of batches for the given time; returns metric points per second.</summary>
    private static async Task<double> MeasureAsync(int writers, int seconds, Func<int, long, Task> batch)
    {
        using var stop = new CancellationTokenSource(TimeSpan.FromSeconds(seconds));
        var watch = Stopwatch.StartNew();
        var counts = await Task.WhenAll(Enumerable.Range(0, writers).Select(async writer =>
        {
            long done = 0;
            while (!stop.IsCancellationRequested)
            {
                await batch(writer, done * BatchSize);
                done++;
            }

            return done;
        }));
        return counts.Sum() * (double)BatchSize / watch.Elapsed.TotalSeconds;
    }

    private static string LoadAverage() =>
        File.Exists("/proc/loadavg") ? string.Join(' ', File.ReadAllText("/proc/loadavg").Split(' ').Take(3)) : "n/a";

    /// <summary>A Wharf server in this process on a free loopback port, with a client holding its admin token.</summary>
    private sealed class Server : IAsyncDisposable
    {
        private readonly WebApplication _app;
        private readonly HttpClient _http;

        private Server(WebApplication app, HttpClient http)
        {
            _app = app;
            _http = http;
        }

        public static async Task<Server> StartAsync(TrackingEngine engine, string dataDirectory)
        {
            var app = WharfServer.Build(["--urls=http://127.0.0.1:0", $"--Wharf:DataDirectory={dataDirectory}", "--Logging:LogLevel:Default=Error", .. await engine.ServerArgumentsAsync(dataDirectory)]);
            await app.StartAsync();
            var address = app.Services.GetRequiredService<IServer>().Features.GetRequiredFeature<IServerAddressesFeature>().Addresses.Single();
            var http = new HttpClient(new SocketsHttpHandler { MaxConnectionsPerServer = 64 }) { BaseAddress = new Uri(address) };
            var token = (await File.ReadAllTextAsync(Path.Combine(dataDirectory, "admin-token"))).Trim();
            http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", token);
            using (await http.PostAsJsonAsync("/api/v1/projects", new { name = "bench" }))
            {
                // 201 on the first start, 409 afterwards: either way the project is there.
            }

            return new Server(app, http);
        }

        public async Task<long> CreateExperimentAsync(string name)
        {
            var json = await PostAsync("/api/2.0/mlflow/experiments/create", new JsonObject { ["name"] = name }.ToJsonString());
            return long.Parse(json.GetProperty("experiment_id").GetString()!, CultureInfo.InvariantCulture);
        }

        public async Task<string> CreateRunAsync(long experiment)
        {
            var json = await PostAsync("/api/2.0/mlflow/runs/create", new JsonObject
            {
                ["experiment_id"] = experiment.ToString(CultureInfo.InvariantCulture),
                ["start_time"] = DateTimeOffset.UtcNow.ToUnixTimeMilliseconds(),
            }.ToJsonString());
            return json.GetProperty("run").GetProperty("info").GetProperty("run_id").GetString()!;
        }

        public async Task LogBatchAsync(string run, long firstStep)
        {
            var timestamp = DateTimeOffset.UtcNow.ToUnixTimeMilliseconds();
            var body = new StringBuilder(64 * BatchSize).Append(CultureInfo.InvariantCulture, $"{{\"run_id\":\"{run}\",\"metrics\":[");
            for (var i = 0; i < BatchSize; i++)
            {
                body.Append(i == 0 ? "" : ",").Append(CultureInfo.InvariantCulture,
                    $"{{\"key\":\"m{i % 20}\",\"value\":{RawMetricWriter.Value(firstStep + i)},\"timestamp\":{timestamp},\"step\":{firstStep + i / 20}}}");
            }

            body.Append("]}");
            await PostAsync("/api/2.0/mlflow/runs/log-batch", body.ToString());
        }

        /// <summary>One page of a metric's history: its size, first and last step, and the next page's token.</summary>
        public async Task<(int Count, long FirstStep, long LastStep, string? Next)> HistoryPageAsync(string run, string key, string? pageToken)
        {
            var url = $"/api/2.0/mlflow/metrics/get-history?run_id={run}&metric_key={key}&max_results=25000" + (pageToken is null ? "" : $"&page_token={Uri.EscapeDataString(pageToken)}");
            using var response = await _http.GetAsync(url, HttpCompletionOption.ResponseHeadersRead);
            response.EnsureSuccessStatusCode();
            await using var stream = await response.Content.ReadAsStreamAsync();
            using var json = await JsonDocument.ParseAsync(stream);
            var metrics = json.RootElement.TryGetProperty("metrics", out var m) ? m : default;
            var count = metrics.ValueKind == JsonValueKind.Array ? metrics.GetArrayLength() : 0;
            var next = json.RootElement.TryGetProperty("next_page_token", out var t) && t.GetString() is { Length: > 0 } text ? text : null;
            return count == 0
                ? (0, 0, 0, next)
                : (count, Step(metrics[0]), Step(metrics[count - 1]), next);
        }

        private static long Step(JsonElement point) => point.GetProperty("step") is var step && step.ValueKind == JsonValueKind.String
            ? long.Parse(step.GetString()!, CultureInfo.InvariantCulture)
            : step.GetInt64();

        public async Task<int> SearchAsync(string body)
        {
            var json = await PostAsync("/api/2.0/mlflow/runs/search", body);
            return json.TryGetProperty("runs", out var runs) ? runs.GetArrayLength() : 0;
        }

        private async Task<JsonElement> PostAsync(string path, string body)
        {
            using var content = new StringContent(body, Encoding.UTF8, "application/json");
            using var response = await _http.PostAsync(path, content);
            var text = await response.Content.ReadAsStringAsync();
            if (!response.IsSuccessStatusCode)
            {
                throw new InvalidOperationException($"{path} answered {(int)response.StatusCode}: {text}");
            }

            return JsonDocument.Parse(text).RootElement.Clone();
        }

        public async ValueTask DisposeAsync()
        {
            _http.Dispose();
            await _app.StopAsync();
            await _app.DisposeAsync();
        }
    }
}
