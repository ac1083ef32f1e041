using System.Globalization;
using System.Runtime.InteropServices;

namespace Wharf.Benchmarks.Serving;

/// <summary>
/// <c>dotnet run -c Release --project benchmarks/Wharf.Benchmarks -- serving [seconds] [repeats]</c> (or
/// benchmarks/serving/run.sh, which builds, pins and runs it): wharf-serve side by side with its limits, on one
/// machine in one run, for a small MLP (4->16->3), a medium one (256->1024->1024->10) and a compute-heavier one (1024->4096->4096->10);
/// <c>WHARF_BENCH_MODELS=small,heavy</c> picks some.
/// </summary>
/// <remarks>
/// <para>The raw limit R(b): <see cref="RawRunLimit"/>, InferenceSession.Run with preallocated OrtValues at batch
/// 1..32. The HTTP limit: <see cref="EmptyEndpointServer"/>, an empty Kestrel endpoint answering wharf-serve's
/// response size. wharf-serve runs as a child process over a model repository written here, batching off
/// (MaxBatchSize 1) and on (MaxBatchSize 32, MaxQueueDelay 2 ms). One closed-loop client (<see cref="ClosedLoopClient"/>)
/// drives both HTTP servers with the same binary-extension request of one item.</para>
/// <para>The server side (raw loop, HTTP limit, wharf-serve) runs pinned to <c>WHARF_BENCH_SERVER_CPUS</c> (run.sh: core
/// 0) and the client wherever this process is pinned (run.sh: core 1). ONNX Runtime uses
/// <c>WHARF_BENCH_INTRA_OP</c> intra-op threads (default 1, one pinned core) on both sides. wharf-serve is
/// <c>WHARF_SERVE_DLL</c> or src/Wharf.Serving's Release build.</para>
/// </remarks>
internal static class ServingSideBySide
{
    private static readonly TimeSpan ReadyTimeout = TimeSpan.FromSeconds(60);

    public static async Task<int> RunAsync(string[] args)
    {
        var seconds = args.Length > 0 ? double.Parse(args[0], CultureInfo.InvariantCulture) : 10;
        var repeats = args.Length > 1 ? int.Parse(args[1], CultureInfo.InvariantCulture) : 3;
        var cpus = Environment.GetEnvironmentVariable("WHARF_BENCH_SERVER_CPUS");
        var intraOp = int.Parse(Environment.GetEnvironmentVariable("WHARF_BENCH_INTRA_OP") ?? "1", CultureInfo.InvariantCulture);
        var concurrency = int.Parse(Environment.GetEnvironmentVariable("WHARF_BENCH_CONCURRENCY") ?? "32", CultureInfo.InvariantCulture);
        var rawSeconds = Math.Clamp(seconds / 10, 0.1, 1.0);
        var duration = TimeSpan.FromSeconds(seconds);
        var warmUp = TimeSpan.FromSeconds(Math.Min(2, seconds / 2));
        var only = Environment.GetEnvironmentVariable("WHARF_BENCH_MODELS");
        MlpModel[] models = string.IsNullOrEmpty(only)
            ? [.. MlpModel.All]
            : [.. MlpModel.All.Where(m => only.Split(',').Contains(m.Name, StringComparer.Ordinal))];

        var root = Directory.CreateTempSubdirectory("wharf-serving-bench-").FullName;
        var repository = Path.Combine(root, "models");
        foreach (var model in models)
        {
            model.Write(Path.Combine(repository, model.Name, "model.onnx"));
        }

        Console.WriteLine($"date        {DateTimeOffset.Now:yyyy-MM-dd HH:mm zzz}");
        Console.WriteLine($"machine     CPUs {OnlineCpus()} ({Environment.ProcessorCount} usable by the client), {RuntimeInformation.OSDescription}, {RuntimeInformation.FrameworkDescription}, load average {LoadAverage()}");
        Console.WriteLine($"pinning     server side (raw loop, HTTP limit, wharf-serve) on CPUs {(string.IsNullOrEmpty(cpus) ? "unpinned (set WHARF_BENCH_SERVER_CPUS; run.sh does)" : cpus)}; client where this process runs");
        Console.WriteLine($"runtime     ONNX Runtime 1.31.1 CPU, intra-op threads {intraOp}, default graph optimizations");
        Console.WriteLine($"models      {string.Join("; ", models.Select(m => m.Description))}; batch dimension dynamic");
        Console.WriteLine($"load        closed loop, one item per request (binary tensor data extension), {seconds} s measured after {warmUp.TotalSeconds} s warm-up, median of {repeats}");
        Console.WriteLine();

        try
        {
            // The raw limit R(b), per model.
            var curves = new Dictionary<string, SortedDictionary<int, double>>();
            var paced = new Dictionary<string, double>();
            Console.WriteLine($"raw limit R(b): InferenceSession.Run, preallocated OrtValues, RunOptions reused, median of {repeats} x {rawSeconds:0.##} s");
            Console.WriteLine($"{"model",-6} {"batch",6} {"us/run",10} {"items/s",12}");
            foreach (var model in models)
            {
                await using var raw = ChildProcess.StartSelf(
                    ["serving-raw", Path.Combine(repository, model.Name, "model.onnx"), Str(model.InputFeatures), Str(model.OutputFeatures), Str(intraOp), Str(rawSeconds), Str(repeats)], cpus);
                await raw.WaitForExitAsync(TimeSpan.FromMinutes(10));
                curves[model.Name] = RawRunLimit.Parse(raw.Lines);
                paced[model.Name] = RawRunLimit.ParsePaced(raw.Lines);
                foreach (var (batch, micros) in curves[model.Name])
                {
                    Console.WriteLine($"{model.Name,-6} {batch,6} {micros,10:N1} {batch * 1e6 / micros,12:N0}");
                }

                Console.WriteLine($"{model.Name,-6} {"1 paced",6} {paced[model.Name],10:N1} {"(single runs 1 ms apart, median)",-12}");
            }

            Console.WriteLine();

            // The HTTP limit, per model (the response sizes differ).
            var limits = new Dictionary<(string Model, int Concurrency), LoadFigures>();
            Console.WriteLine("HTTP limit: empty ASP.NET Core endpoint on Kestrel, reads the request, answers wharf-serve's response size");
            PrintLoadHeader();
            foreach (var model in models)
            {
                await using var echo = ChildProcess.StartSelf(["serving-echo", Str(model.InputFeatures), Str(model.OutputFeatures)], cpus);
                var address = new Uri((await echo.WaitForLineAsync("LISTENING ", TimeSpan.FromSeconds(30)))["LISTENING ".Length..]);
                foreach (var c in new[] { 1, concurrency })
                {
                    limits[(model.Name, c)] = await MeasureAsync(echo, address, InferPayload.Request(model), c, duration, warmUp, repeats);
                    PrintLoadRow(model.Name, "-", c, limits[(model.Name, c)], "");
                }
            }

            Console.WriteLine();

            // wharf-serve, batching off and on.
            var serveDll = Environment.GetEnvironmentVariable("WHARF_SERVE_DLL") ?? FindServeDll();
            if (serveDll is null || !File.Exists(serveDll))
            {
                Console.Error.WriteLine($"serving: wharf-serve not found ({serveDll ?? "no src/Wharf.Serving Release build"}): run 'dotnet build -c Release src/Wharf.Serving' or set WHARF_SERVE_DLL");
                return 1;
            }

            var wharf = new Dictionary<(string Model, bool Batching, int Concurrency), LoadFigures>();
            var adjacentRun = new Dictionary<string, double>();
            var formed = new Dictionary<string, BatchSizeHistogram>();
            Console.WriteLine($"wharf-serve ({serveDll}): batching off = MaxBatchSize 1; on = MaxBatchSize 32, MaxQueueDelay 2 ms");
            PrintLoadHeader();
            foreach (var batching in new[] { false, true })
            {
                var port = FreePort();
                var address = new Uri($"http://127.0.0.1:{port}");
                await using var server = ChildProcess.Start("dotnet",
                [
                    serveDll,
                    "--Serving:ModelRepository", repository,
                    "--urls", address.ToString().TrimEnd('/'),
                    "--Serving:IntraOpThreads", Str(intraOp),
                    "--Serving:Batching:Default:MaxBatchSize", batching ? "32" : "1",
                    "--Serving:Batching:Default:MaxQueueDelay", "00:00:00.002",
                    "--Logging:LogLevel:Default", "Warning",
                ], cpus);
                using var probe = new HttpClient { BaseAddress = address, Timeout = TimeSpan.FromSeconds(5) };
                if (!await WaitReadyAsync(probe, server))
                {
                    Console.Error.WriteLine($"serving: wharf-serve did not answer 200 on {address}v2/health/ready within {ReadyTimeout.TotalSeconds:N0} s (is the HTTP server merged?){server.Tail()}");
                    return 1;
                }

                foreach (var model in models)
                {
                    var payload = InferPayload.Request(model);
                    foreach (var c in batching ? new[] { concurrency } : new[] { 1, concurrency })
                    {
                        if (c == 1)
                        {
                            // The machine's speed drifts over minutes (other tenants, memory bandwidth): R(1) is
                            // measured again right before the c1 run it is subtracted from, wharf-serve idle meanwhile.
                            await using var raw = ChildProcess.StartSelf(
                                ["serving-raw", Path.Combine(repository, model.Name, "model.onnx"), Str(model.InputFeatures), Str(model.OutputFeatures), Str(intraOp), Str(rawSeconds), Str(repeats), "1"], cpus);
                            await raw.WaitForExitAsync(TimeSpan.FromMinutes(5));
                            adjacentRun[model.Name] = RawRunLimit.Parse(raw.Lines)[1];
                            paced[model.Name] = RawRunLimit.ParsePaced(raw.Lines);
                            Console.WriteLine($"{model.Name,-6} R(1) measured just before: {adjacentRun[model.Name]:N1} us, paced {paced[model.Name]:N1} us");
                        }

                        var before = await BatchSizeHistogram.ScrapeAsync(probe);
                        var figures = await MeasureAsync(server, address, payload, c, duration, warmUp, repeats);
                        var histogram = (await BatchSizeHistogram.ScrapeAsync(probe)).Minus(before);
                        wharf[(model.Name, batching, c)] = figures;
                        if (batching)
                        {
                            formed[model.Name] = histogram;
                        }

                        PrintLoadRow(model.Name, batching ? "on" : "off", c, figures, $"{histogram.MeanBatchSize:N1} ({histogram.Describe()})");
                        if (figures.Errors > 0)
                        {
                            Console.WriteLine($"       {figures.Errors} errors, first: {figures.FirstError}");
                        }
                    }
                }
            }

            Console.WriteLine();
            return PrintSummary(models, curves, adjacentRun, paced, limits, wharf, formed, concurrency) ? 0 : 2;
        }
        finally
        {
            Directory.Delete(root, recursive: true);
        }
    }

    /// <summary>Child modes: the raw loop and the HTTP limit run in their own processes to be pinned like the server.</summary>
    public static Task<int> RunChildAsync(string mode, string[] args) => mode switch
    {
        "serving-raw" => Task.FromResult(RawRunLimit.RunChild(args)),
        "serving-echo" => EmptyEndpointServer.RunChildAsync(args),
        _ => throw new ArgumentOutOfRangeException(nameof(mode), mode, null),
    };

    private static bool PrintSummary(
        MlpModel[] models,
        Dictionary<string, SortedDictionary<int, double>> curves,
        Dictionary<string, double> adjacentRun,
        Dictionary<string, double> paced,
        Dictionary<(string Model, int Concurrency), LoadFigures> limits,
        Dictionary<(string Model, bool Batching, int Concurrency), LoadFigures> wharf,
        Dictionary<string, BatchSizeHistogram> formed,
        int concurrency)
    {
        var ok = true;
        Console.WriteLine("summary");
        Console.WriteLine($"{"workload",-58} {"Wharf",14} {"anchor",14} {"ratio",7} {"target",-22} {"met",3}");
        void Row(string workload, string wharfFigure, string anchorFigure, double ratio, string target, bool? met)
        {
            ok &= met != false;
            Console.WriteLine($"{workload,-58} {wharfFigure,14} {anchorFigure,14} {ratio,7:F2} {target,-22} {(met is null ? "" : met.Value ? "yes" : "NO"),3}");
        }

        foreach (var model in models)
        {
            var name = model.Name;
            var rawRun = adjacentRun[name];
            var c1 = wharf[(name, false, 1)];
            var overhead = c1.P50 - rawRun;
            Row($"{name}: c1 p50 overhead over raw Run(b=1) just before [anchor: HTTP limit]", $"{overhead:N0} us", $"{limits[(name, 1)].P50:N0} us",
                overhead / limits[(name, 1)].P50, "overhead <= 150 us", overhead <= 150);

            // Informational: a tight loop keeps a model's weights in the CPU's caches; at concurrency 1 a server's
            // core idles between requests and other code runs there. Runs 1 ms apart show what that costs the model
            // alone, and the overhead measured from them is what the server adds on top.
            Row($"{name}: Run(b=1) paced 1 ms apart [anchor: tight loop]", $"{paced[name]:N0} us", $"{rawRun:N0} us",
                paced[name] / rawRun, "", null);
            var pacedOverhead = c1.P50 - paced[name];
            Row($"{name}: c1 p50 overhead over paced Run(b=1) [anchor: HTTP limit]", $"{pacedOverhead:N0} us", $"{limits[(name, 1)].P50:N0} us",
                pacedOverhead / limits[(name, 1)].P50, "", null);

            var off = wharf[(name, false, concurrency)];
            var on = wharf[(name, true, concurrency)];
            var throughputTarget = name == MlpModel.Small.Name;
            Row($"{name}: c{concurrency} items/s, batching on [anchor: off]", $"{on.ItemsPerSecond:N0}", $"{off.ItemsPerSecond:N0}",
                on.ItemsPerSecond / off.ItemsPerSecond, throughputTarget ? ">= 3x" : "", throughputTarget ? on.ItemsPerSecond >= 3 * off.ItemsPerSecond : null);
            Row($"{name}: c{concurrency} p95, batching on [anchor: off]", $"{on.P95:N0} us", $"{off.P95:N0} us",
                on.P95 / off.P95, throughputTarget ? "<= 1x" : "", throughputTarget ? on.P95 <= off.P95 : null);
            var limit = limits[(name, concurrency)];
            Row($"{name}: c{concurrency} req/s, batching off [anchor: HTTP limit]", $"{off.RequestsPerSecond:N0}", $"{limit.RequestsPerSecond:N0}",
                off.RequestsPerSecond / limit.RequestsPerSecond, "", null);

            // One item per request: no server, batching or not, answers more requests than the empty endpoint does,
            // so the HTTP limit over batching off is the most batching can gain.
            Row($"{name}: ceiling of on/off: HTTP limit req/s [anchor: off]", $"{limit.RequestsPerSecond:N0}", $"{off.ItemsPerSecond:N0}",
                limit.RequestsPerSecond / off.ItemsPerSecond, "", null);

            var meanBatch = formed[name].MeanBatchSize;
            if (double.IsNaN(meanBatch))
            {
                Console.WriteLine($"{name}: no {BatchSizeHistogram.MetricName} samples in /metrics; efficiency vs R(B) not computed (check BatchSizeHistogram.MetricName)");
                ok = false;
                continue;
            }

            var rawItems = meanBatch * 1e6 / RawRunLimit.MicrosecondsAt(curves[name], meanBatch);
            var efficiencyTarget = name == MlpModel.Heavy.Name;
            Row($"{name}: c{concurrency} items/s, batching on [anchor: R(B={meanBatch:N1})]", $"{on.ItemsPerSecond:N0}", $"{rawItems:N0}",
                on.ItemsPerSecond / rawItems, efficiencyTarget ? ">= 0.8" : "", efficiencyTarget ? on.ItemsPerSecond >= 0.8 * rawItems : null);

            // The same bound with compute: a request costs at least the empty endpoint's server CPU plus its item's
            // share of a run of B, on the one server core.
            var bound = 1e6 / ((RawRunLimit.MicrosecondsAt(curves[name], meanBatch) / meanBatch) + limit.ServerCpuMicrosecondsPerRequest);
            Row($"{name}: c{concurrency} items/s, batching on [anchor: HTTP + R(B) bound]", $"{on.ItemsPerSecond:N0}", $"{bound:N0}",
                on.ItemsPerSecond / bound, "", null);
        }

        return ok;
    }

    private static async Task<LoadFigures> MeasureAsync(ChildProcess server, Uri address, InferPayload payload, int concurrency, TimeSpan duration, TimeSpan warmUp, int repeats)
    {
        var runs = new List<(LoadResult, double)>();
        for (var r = 0; r < repeats; r++)
        {
            var cpu = server.CpuTime;
            var result = await ClosedLoopClient.RunAsync(address, payload, concurrency, duration, warmUp);
            runs.Add((result, (server.CpuTime - cpu).TotalSeconds));
        }

        return LoadFigures.Median(runs);
    }

    private static async Task<bool> WaitReadyAsync(HttpClient probe, ChildProcess server)
    {
        var deadline = DateTime.UtcNow + ReadyTimeout;
        while (DateTime.UtcNow < deadline && !server.HasExited)
        {
            try
            {
                using var response = await probe.GetAsync("/v2/health/ready");
                if (response.IsSuccessStatusCode)
                {
                    return true;
                }
            }
            catch (HttpRequestException)
            {
                // Not listening yet.
            }
            catch (TaskCanceledException)
            {
                // Slow to answer while loading.
            }

            await Task.Delay(250);
        }

        return false;
    }

    private static void PrintLoadHeader() =>
        Console.WriteLine($"{"model",-6} {"batch",5} {"conc",5} {"req/s",10} {"items/s",10} {"p50 us",9} {"p95 us",9} {"p99 us",9} {"srv CPU us/req",15} {"batch sizes formed (mean, histogram)",-20}");

    private static void PrintLoadRow(string model, string batching, int concurrency, LoadFigures f, string formed) =>
        Console.WriteLine($"{model,-6} {batching,5} {concurrency,5} {f.RequestsPerSecond,10:N0} {f.ItemsPerSecond,10:N0} {f.P50,9:N0} {f.P95,9:N0} {f.P99,9:N0} {f.ServerCpuMicrosecondsPerRequest,15:N1} {formed}");

    private static string? FindServeDll()
    {
        for (var directory = new DirectoryInfo(Environment.CurrentDirectory); directory is not null; directory = directory.Parent)
        {
            if (File.Exists(Path.Combine(directory.FullName, "Wharf.slnx")))
            {
                return Path.Combine(directory.FullName, "src", "Wharf.Serving", "bin", "Release", "net10.0", "wharf-serve.dll");
            }
        }

        return null;
    }

    private static int FreePort()
    {
        using var listener = new System.Net.Sockets.TcpListener(System.Net.IPAddress.Loopback, 0);
        listener.Start();
        return ((System.Net.IPEndPoint)listener.LocalEndpoint).Port;
    }

    private static string LoadAverage() =>
        File.Exists("/proc/loadavg") ? string.Join(' ', File.ReadAllText("/proc/loadavg").Split(' ').Take(3)) : "n/a";

    private static string OnlineCpus() =>
        File.Exists("/sys/devices/system/cpu/online") ? File.ReadAllText("/sys/devices/system/cpu/online").Trim() : "n/a";

    private static string Str(double value) => value.ToString(CultureInfo.InvariantCulture);
}
