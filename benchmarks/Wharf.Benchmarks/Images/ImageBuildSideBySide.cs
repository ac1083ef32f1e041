using System.Diagnostics;
using Wharf.Oci.Building;
using Wharf.Oci.Layout;

namespace Wharf.Benchmarks.Images;

/// <summary>
/// Build time of a model image (the published wharf-serve runtime + a model file) three ways, in one run, interleaved:
/// Wharf's <see cref="ImageBuilder"/> cold (empty layout, empty cache), warm (same layout and cache, nothing changed)
/// and warm with a new model file; the physical limit (<see cref="TarGzipShaLimit"/>: deterministic tar + gzip 6 +
/// SHA-256 of the same files, no cache); and umoci (init/new + insert of the runtime directory and the model + config),
/// cold and warm (umoci has no layer cache, so warm re-tars). All from scratch (no base layer), wall and CPU seconds,
/// medians, ratios. See benchmarks/images/README.md.
/// </summary>
internal static class ImageBuildSideBySide
{
    private const string RuntimePath = "/opt/wharf-serve";
    private const string ModelPath = "/model/model.onnx";

    public static async Task<int> RunAsync(string[] args)
    {
        var options = new BenchArguments(args, "runtime", "work", "runs", "model-mib");
        var runtime = Path.GetFullPath(options.String("runtime"));
        var work = Path.GetFullPath(options.String("work"));
        var runs = options.Int("runs", 3);
        var modelMiB = options.Int("model-mib", 16);
        Directory.CreateDirectory(work);
        var model = Path.Combine(work, "model.onnx");
        await WriteModelAsync(model, modelMiB, seed: 1);
        var runtimeBytes = Directory.EnumerateFiles(runtime, "*", SearchOption.AllDirectories).Sum(f => new FileInfo(f).Length);
        Console.WriteLine($"# image build: runtime {runtime} ({runtimeBytes / 1048576.0:0.0} MiB), model {modelMiB} MiB, {runs} runs, medians");

        var figures = new Dictionary<string, List<Measured>>(StringComparer.Ordinal);
        var digests = new HashSet<string>(StringComparer.Ordinal);
        void Add(string name, Measured m) => (figures.TryGetValue(name, out var l) ? l : figures[name] = []).Add(m);
        for (var run = 1; run <= runs; run++)
        {
            await WriteModelAsync(model, modelMiB, seed: 1);
            var layoutDirectory = Path.Combine(work, $"wharf-{run}");
            var layout = await OciImageLayout.CreateAsync(layoutDirectory);
            var cache = new LayerCache();
            string digest = string.Empty;
            Add("wharf cold", await MeasureAsync(async () => digest = (await BuildAsync(runtime, model, layout, "cold", cache)).Manifest.Digest.ToString()));
            digests.Add(digest);
            Add("wharf warm (unchanged)", await MeasureAsync(async () => await BuildAsync(runtime, model, layout, "warm", cache)));
            await WriteModelAsync(model, modelMiB, seed: 1 + run);
            Add("wharf warm (new model)", await MeasureAsync(async () => await BuildAsync(runtime, model, layout, "new-model", cache)));
            Directory.Delete(layoutDirectory, recursive: true);

            var limitDirectory = Directory.CreateDirectory(Path.Combine(work, $"limit-{run}")).FullName;
            Add("limit: tar+gzip6+sha256", await MeasureAsync(() =>
            {
                TarGzipShaLimit.WriteLayer(TarGzipShaLimit.Tree(runtime, RuntimePath), Path.Combine(limitDirectory, "runtime.tar.gz"), gzip: true);
                TarGzipShaLimit.WriteLayer([("model/", null), ("model/model.onnx", model)], Path.Combine(limitDirectory, "model.tar"), gzip: false);
                return Task.CompletedTask;
            }));
            Directory.Delete(limitDirectory, recursive: true);

            var umoci = Path.Combine(work, $"umoci-{run}");
            Add("umoci cold", await ToolRun.RunAsync(UmociScript(umoci, "cold", runtime, model, init: true)));
            Add("umoci warm (unchanged)", await ToolRun.RunAsync(UmociScript(umoci, "warm", runtime, model, init: false)));
            Directory.Delete(umoci, recursive: true);
        }

        var limit = Measured.Median(figures["limit: tar+gzip6+sha256"]);
        var umociCold = Measured.Median(figures["umoci cold"]);
        Console.WriteLine();
        Console.WriteLine("| build | wall s | CPU s | wall / limit | wall / umoci cold | CPU / limit |");
        Console.WriteLine("|---|---:|---:|---:|---:|---:|");
        foreach (var (name, list) in figures)
        {
            var m = Measured.Median(list);
            Console.WriteLine($"| {name} | {Measured.Seconds(m.WallSeconds)} | {Measured.Seconds(m.CpuSeconds)} | {Measured.Ratio(m.WallSeconds, limit.WallSeconds)} | {Measured.Ratio(m.WallSeconds, umociCold.WallSeconds)} | {Measured.Ratio(m.CpuSeconds, limit.CpuSeconds)} |");
        }

        Console.WriteLine();
        Console.WriteLine($"wharf cold manifest digest stable across {runs} runs: {(digests.Count == 1 ? "yes" : "NO")} ({string.Join(", ", digests)})");
        return digests.Count == 1 ? 0 : 1;
    }

    private static async Task<BuildResult> BuildAsync(string runtime, string model, OciImageLayout layout, string tag, LayerCache cache)
    {
        var builder = new ImageBuilder(new ImageBuilderOptions { LayerCache = cache });
        builder.AddLayer(new DeterministicLayer().AddDirectoryTree(runtime, RuntimePath), $"wharf: serving runtime {RuntimePath}");
        builder.AddLayer(new DeterministicLayer().AddFile(ModelPath, model, executable: false), "wharf: model", LayerCompression.None);
        builder.Entrypoint = [$"{RuntimePath}/wharf-serve"];
        builder.Cmd = ["--urls", "http://0.0.0.0:8000", "--Serving:Models:0:Name", "m", "--Serving:Models:0:Path", ModelPath];
        builder.ExposedPorts.Add("8000/tcp");
        builder.User = "wharf";
        return await builder.BuildAsync(new OciLayoutImageSink(layout), tag);
    }

    private static string UmociScript(string layout, string tag, string runtime, string model, bool init)
    {
        var image = ToolRun.Quote($"{layout}:{tag}");
        var lines = new List<string>();
        if (init)
        {
            lines.Add($"umoci init --layout {ToolRun.Quote(layout)}");
        }

        lines.Add($"umoci new --image {image}");
        lines.Add($"umoci insert --image {image} {ToolRun.Quote(runtime)} {RuntimePath}");
        lines.Add($"umoci insert --image {image} {ToolRun.Quote(model)} {ModelPath}");
        lines.Add($"umoci config --image {image} --config.entrypoint {RuntimePath}/wharf-serve --config.user wharf --config.exposedports 8000/tcp");
        return string.Join('\n', lines);
    }

    /// <summary>Wall and CPU seconds of this process for one piece of work, after a full GC so earlier garbage is not charged to it.</summary>
    private static async Task<Measured> MeasureAsync(Func<Task> work)
    {
        GC.Collect();
        GC.WaitForPendingFinalizers();
        var cpu = Process.GetCurrentProcess().TotalProcessorTime;
        var watch = Stopwatch.StartNew();
        await work();
        var wall = watch.Elapsed.TotalSeconds;
        return new Measured(wall, (Process.GetCurrentProcess().TotalProcessorTime - cpu).TotalSeconds);
    }

    private static async Task WriteModelAsync(string path, int mebibytes, int seed)
    {
        await using var file = File.Create(path);
        await new RandomContentStream(mebibytes * 1048576L, seed).CopyToAsync(file, 1 << 16);
    }
}
