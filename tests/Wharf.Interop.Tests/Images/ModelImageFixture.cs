using System.Diagnostics;
using System.Globalization;
using Wharf.Interop.Tests.Infrastructure;
using Wharf.Oci.Building;
using Wharf.Oci.Layout;
using Wharf.TestModels;

namespace Wharf.Interop.Tests.Images;

/// <summary>
/// What every model image test starts from, made once per test run: wharf-serve published self-contained for
/// linux-x64, the local base image (cached across runs), the iris model trained with ML.NET and written as ONNX (and a
/// second version trained on another split), and the v1 image built into a layout with a layer cache, as a build
/// service would keep them. The time of each step is in <see cref="Timings"/>.
/// </summary>
public sealed class ModelImageFixture : IAsyncLifetime
{
    public const string V1Tag = "iris-v1";

    private static readonly TimeSpan PublishTimeout = TimeSpan.FromMinutes(10);

    private readonly TempDirectory _directory = new("wi-mimg");
    private readonly List<string> _timings = [];

    /// <summary>The published runtime directory (wharf-serve, its managed and native libraries, libonnxruntime.so).</summary>
    public string RuntimeDirectory => _directory.Combine("runtime");

    public OciImageLayout BaseLayout { get; private set; } = null!;

    /// <summary>The layout the fixture built v1 into; tests add tags of their own.</summary>
    public OciImageLayout Layout { get; private set; } = null!;

    public LayerCache Cache { get; } = new();

    public string ModelV1 => _directory.Combine("v1", "model.onnx");

    public string ModelV2 => _directory.Combine("v2", "model.onnx");

    public IrisData Test { get; private set; } = null!;

    /// <summary>What ML.NET predicted for <see cref="Test"/> with the v1 model.</summary>
    public IReadOnlyList<int> ExpectedV1 { get; private set; } = [];

    public BuildResult V1 { get; private set; } = null!;

    /// <summary>How long each step took, one line each, for the test output.</summary>
    public string Timings => string.Join('\n', _timings);

    public async Task InitializeAsync()
    {
        await TimeAsync("dotnet publish src/Wharf.Serving (self-contained linux-x64)", PublishRuntimeAsync);
        var fromCache = false;
        await TimeAsync("base image (ldd + host files + one deterministic layer)", async () =>
        {
            (BaseLayout, fromCache) = await MinimalBaseImage.GetOrCreateAsync(RuntimeDirectory);
            return fromCache ? $"from cache {BaseLayout.RootPath}" : $"made at {BaseLayout.RootPath}";
        });
        await TimeAsync("train iris v1 and v2 (ML.NET) and write ONNX", () =>
        {
            var data = IrisData.Load();
            var (train, test) = data.Split(0.8, seed: 1);
            var v1 = IrisTrainer.Train(train);
            Test = test;
            ExpectedV1 = [.. v1.Predict(test).Select(p => p.Label)];
            Directory.CreateDirectory(Path.GetDirectoryName(ModelV1)!);
            Directory.CreateDirectory(Path.GetDirectoryName(ModelV2)!);
            OnnxModelWriter.WriteIris(v1, ModelV1);
            // A new version: the same recipe on another split, so its weights (and file) differ.
            OnnxModelWriter.WriteIris(IrisTrainer.Train(data.Split(0.8, seed: 2).Train), ModelV2);
            return Task.FromResult<string?>(null);
        });
        Layout = await OciImageLayout.CreateAsync(_directory.Combine("images"));
        await TimeAsync("build iris v1 image (cold: runtime layer gzipped)", async () =>
        {
            V1 = await IrisImage.BuildAsync(BaseLayout, RuntimeDirectory, ModelV1, 1, Layout, V1Tag, Cache);
            return $"{V1.Manifest.Digest}, {V1.ImageSize / 1_000_000.0:0.0} MB compressed";
        });
    }

    public Task DisposeAsync()
    {
        _directory.Dispose();
        return Task.CompletedTask;
    }

    /// <summary>Runs a step and records its wall time (and what it says about itself).</summary>
    internal async Task<T> TimeAsync<T>(string step, Func<Task<T>> action)
    {
        var watch = Stopwatch.StartNew();
        var result = await action();
        lock (_timings)
        {
            _timings.Add(string.Create(CultureInfo.InvariantCulture, $"{watch.Elapsed.TotalSeconds,7:0.00} s  {step}{(result is string s ? $": {s}" : string.Empty)}"));
        }

        return result;
    }

    private async Task<string?> PublishRuntimeAsync()
    {
        var project = RepositoryRoot.File("src", "Wharf.Serving");
        var result = await ProcessRunner.RunAsync(
            "dotnet",
            ["publish", project, "-c", "Release", "-r", "linux-x64", "--self-contained", "-o", RuntimeDirectory, "-nologo", "-v", "quiet"],
            new Dictionary<string, string> { ["DOTNET_CLI_TELEMETRY_OPTOUT"] = "1", ["DOTNET_NOLOGO"] = "1" },
            timeout: PublishTimeout);
        result.EnsureSuccess();
        foreach (var needed in new[] { "wharf-serve", "libonnxruntime.so", "libcoreclr.so" })
        {
            if (!File.Exists(Path.Combine(RuntimeDirectory, needed)))
            {
                throw new InvalidOperationException($"the published runtime in {RuntimeDirectory} has no {needed}");
            }
        }

        var size = Directory.EnumerateFiles(RuntimeDirectory, "*", SearchOption.AllDirectories).Sum(f => new FileInfo(f).Length);
        return $"{size / 1_000_000.0:0.0} MB";
    }
}
