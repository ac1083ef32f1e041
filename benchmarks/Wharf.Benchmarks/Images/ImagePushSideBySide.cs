using System.Collections.Concurrent;
using System.Diagnostics;
using System.Globalization;
using Wharf.Oci.Building;
using Wharf.Oci.Layout;
using Wharf.Oci.Registry;

namespace Wharf.Benchmarks.Images;

/// <summary>
/// Push of a big model (default 4 layers of 256 MiB random data, gzip, in an OCI layout) into Wharf's registry, in one
/// run, interleaved: Wharf's <see cref="RegistryClient"/> (the library behind <c>wharf push</c>) against
/// <c>skopeo copy oci:LAYOUT:model docker://HOST/REPO:v1</c>, each run to a fresh repository of each, medians of wall,
/// client CPU and server CPU seconds; then an unchanged push of each to its last repository (bytes uploaded must be 0).
/// See benchmarks/images/README.md.
/// </summary>
internal static class ImagePushSideBySide
{
    private const string Tag = "model";

    // sysconf(_SC_CLK_TCK) is 100 on every Linux this runs on (the kernel's USER_HZ).
    private const double ClockTicksPerSecond = 100;

    public static async Task<int> RunAsync(string[] args)
    {
        var options = new BenchArguments(args, "url", "creds", "work", "runs", "layers", "layer-mib", "server-pid", "project", "push-cmd");
        var url = new Uri(options.String("url"));
        var host = url.Authority;
        var creds = options.String("creds");
        var work = Path.GetFullPath(options.String("work"));
        var runs = options.Int("runs", 3);
        var layers = options.Int("layers", 4);
        var layerMiB = options.Int("layer-mib", 256);
        var serverPid = options.Int("server-pid", 0);
        var project = options.String("project", "bench");
        // A CLI to measure instead of the library, e.g. "wharf push {layout}:{tag} {ref}" once `wharf push` exists.
        var pushCommand = options.String("push-cmd", string.Empty);
        var layoutDirectory = Path.Combine(work, $"push-{layers}x{layerMiB}");
        var layout = await PrepareLayoutAsync(layoutDirectory, layers, layerMiB);
        var content = await layout.ReadManifestAsync(await layout.ResolveAsync(Tag));
        var totalBytes = content.Manifest.Blobs.Sum(b => b.Size);
        var user = creds[..creds.IndexOf(':', StringComparison.Ordinal)];
        var password = creds[(user.Length + 1)..];
        using var client = new RegistryClient(new RegistryClientOptions
        {
            PlainHttp = true,
            Credentials = new StaticCredentialProvider(host, RegistryCredentials.Basic(user, password)),
        });
        double ServerCpu() => ServerCpuSeconds(serverPid);
        var isolateSkopeo = Environment.UserName == "root" && Directory.Exists("/var/lib/containers/cache") && File.Exists("/usr/bin/unshare");
        Console.WriteLine($"# image push: {layers} layers x {layerMiB} MiB ({totalBytes / 1048576.0:0.0} MiB of blobs) into {url}, {runs} runs, medians; " +
            $"client: {(pushCommand.Length > 0 ? pushCommand : "RegistryClient")} vs skopeo{(isolateSkopeo ? " (empty blob-info cache per run, so it cannot mount from an earlier run's repository)" : string.Empty)}");

        // Warm-up, not measured: JIT and connection set-up of the in-process client, and the server's first pushes.
        var warmUpDirectory = Path.Combine(work, "push-warm-up");
        var warmUp = await PrepareLayoutAsync(warmUpDirectory, 1, 1);
        var warmUpContent = await warmUp.ReadManifestAsync(await warmUp.ResolveAsync(Tag));
        var warmUpNonce = Guid.NewGuid().ToString("N")[..6];
        await PushWithWharfAsync(client, warmUp, warmUpContent, pushCommand, warmUpDirectory, $"{host}/{project}/warm-up-wharf-{warmUpNonce}:v1", ServerCpu);
        await ToolRun.RunAsync(SkopeoScript(warmUpDirectory, $"{host}/{project}/warm-up-skopeo-{warmUpNonce}:v1", creds, isolateSkopeo));

        var wharf = new List<Measured>();
        var skopeo = new List<Measured>();
        var uploaded = new List<long>();
        var nonce = Guid.NewGuid().ToString("N")[..6];
        string Repository(string who, int run) => $"{project}/push-{who}-{nonce}-{run}";
        for (var run = 1; run <= runs; run++)
        {
            // Alternate who goes first, so drift on a shared machine hits both alike.
            for (var turn = 0; turn < 2; turn++)
            {
                if ((turn == 0) == (run % 2 == 1))
                {
                    var (measured, bytes) = await PushWithWharfAsync(client, layout, content, pushCommand, layoutDirectory, $"{host}/{Repository("wharf", run)}:v1", ServerCpu);
                    wharf.Add(measured);
                    uploaded.Add(bytes);
                }
                else
                {
                    skopeo.Add(await ToolRun.RunAsync(SkopeoScript(layoutDirectory, $"{host}/{Repository("skopeo", run)}:v1", creds, isolateSkopeo), ServerCpu));
                }
            }
        }

        var (unchanged, unchangedBytes) = await PushWithWharfAsync(client, layout, content, pushCommand, layoutDirectory, $"{host}/{Repository("wharf", runs)}:v1", ServerCpu);
        var skopeoUnchanged = await ToolRun.RunAsync(SkopeoScript(layoutDirectory, $"{host}/{Repository("skopeo", runs)}:v1", creds, isolateSkopeo), ServerCpu);

        var w = Measured.Median(wharf);
        var s = Measured.Median(skopeo);
        Console.WriteLine();
        Console.WriteLine("| push | wall s | MiB/s | client CPU s | server CPU s | wall / skopeo |");
        Console.WriteLine("|---|---:|---:|---:|---:|---:|");
        Row("wharf (fresh repository)", w, totalBytes, s);
        Row("skopeo copy (fresh repository)", s, totalBytes, s);
        Row("wharf (unchanged, same repository)", unchanged, 0, skopeoUnchanged);
        Row("skopeo copy (unchanged, same repository)", skopeoUnchanged, 0, skopeoUnchanged);
        Console.WriteLine();
        Console.WriteLine(pushCommand.Length > 0
            ? "blob bytes uploaded: not counted for a CLI (see its own output)"
            : $"blob bytes uploaded by wharf: fresh runs {string.Join(", ", uploaded)} (blobs total {totalBytes}); unchanged push {unchangedBytes}");
        return pushCommand.Length == 0 && (unchangedBytes != 0 || uploaded.Any(b => b != totalBytes)) ? 1 : 0;
    }

    private static void Row(string name, Measured m, long bytes, Measured skopeo)
        => Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"| {name} | {Measured.Seconds(m.WallSeconds)} | {(bytes > 0 ? (bytes / 1048576.0 / m.WallSeconds).ToString("0.0", CultureInfo.InvariantCulture) : "-")} | {Measured.Seconds(m.CpuSeconds)} | {Measured.Seconds(m.ServerCpuSeconds)} | {Measured.Ratio(m.WallSeconds, skopeo.WallSeconds)} |"));

    private static async Task<(Measured Measured, long Uploaded)> PushWithWharfAsync(
        RegistryClient client, OciImageLayout layout, ManifestContent content, string pushCommand, string layoutDirectory, string reference, Func<double> serverCpu)
    {
        if (pushCommand.Length > 0)
        {
            var command = pushCommand.Replace("{layout}", ToolRun.Quote(layoutDirectory), StringComparison.Ordinal)
                .Replace("{tag}", Tag, StringComparison.Ordinal)
                .Replace("{ref}", ToolRun.Quote(reference), StringComparison.Ordinal);
            return (await ToolRun.RunAsync(command, serverCpu), -1);
        }

        var uploading = new ConcurrentDictionary<string, long>(StringComparer.Ordinal);
        var progress = new SynchronousProgress(p =>
        {
            if (p.State == TransferState.Uploading)
            {
                uploading[p.Digest.ToString()] = p.Total;
            }
        });
        GC.Collect();
        var server = serverCpu();
        var cpu = Process.GetCurrentProcess().TotalProcessorTime;
        var watch = Stopwatch.StartNew();
        await client.PushAsync(
            ImageReference.Parse(reference),
            content.Content,
            content.Descriptor.MediaType,
            [.. content.Manifest.Blobs],
            async (blob, ct) => await layout.OpenBlobAsync(blob.Digest, blob.Size, ct),
            progress: progress);
        var wall = watch.Elapsed.TotalSeconds;
        var measured = new Measured(wall, (Process.GetCurrentProcess().TotalProcessorTime - cpu).TotalSeconds, serverCpu() - server);
        return (measured, uploading.Values.Sum());
    }

    private static string SkopeoScript(string layoutDirectory, string reference, string creds, bool isolate)
    {
        var copy = $"skopeo copy --quiet --dest-tls-verify=false --dest-creds {ToolRun.Quote(creds)} {ToolRun.Quote($"oci:{layoutDirectory}:{Tag}")} {ToolRun.Quote($"docker://{reference}")}";
        // skopeo remembers where it pushed each blob (a blob-info cache under /var/lib/containers/cache) and mounts from
        // there instead of uploading; a private mount namespace with an empty tmpfs over it makes every run upload,
        // as the Wharf client does, without touching the machine's cache.
        return isolate
            ? $"unshare -m bash -c {ToolRun.Quote($"mount -t tmpfs wharf-bench /var/lib/containers/cache && {copy}")}"
            : copy;
    }

    /// <summary>The model image: <paramref name="layers"/> gzip layers, each one file of random bytes; made once and kept.</summary>
    private static async Task<OciImageLayout> PrepareLayoutAsync(string directory, int layers, int layerMiB)
    {
        if (File.Exists(Path.Combine(directory, "index.json")))
        {
            return await OciImageLayout.OpenAsync(directory);
        }

        var watch = Stopwatch.StartNew();
        var staging = $"{directory}.tmp";
        if (Directory.Exists(staging))
        {
            Directory.Delete(staging, recursive: true);
        }

        var layout = await OciImageLayout.CreateAsync(staging);
        var builder = new ImageBuilder();
        for (var i = 0; i < layers; i++)
        {
            var seed = 1000 + i;
            var length = layerMiB * 1048576L;
            // gzip, as a model image's layers are pushed: skopeo would gzip an uncompressed layer itself on the way.
            builder.AddLayer(
                new DeterministicLayer().AddFile($"/model/part-{i}.bin", length, _ => Task.FromResult<Stream>(new RandomContentStream(length, seed))),
                $"bench: model part {i}");
        }

        await builder.BuildAsync(new OciLayoutImageSink(layout), Tag);
        Directory.Move(staging, directory);
        Console.Error.WriteLine($"made the push layout {directory} in {watch.Elapsed.TotalSeconds:0.0} s");
        return await OciImageLayout.OpenAsync(directory);
    }

    /// <summary>utime + stime of the server process from /proc/PID/stat, in seconds; 0 without a pid.</summary>
    private static double ServerCpuSeconds(int pid)
    {
        if (pid <= 0 || !File.Exists($"/proc/{pid}/stat"))
        {
            return 0;
        }

        var stat = File.ReadAllText($"/proc/{pid}/stat");
        var fields = stat[(stat.LastIndexOf(')') + 2)..].Split(' ');
        // After "(comm) ", state is field 0; utime and stime are fields 11 and 12 (man 5 proc: 14 and 15), in clock ticks.
        return (long.Parse(fields[11], CultureInfo.InvariantCulture) + long.Parse(fields[12], CultureInfo.InvariantCulture)) / ClockTicksPerSecond;
    }

    private sealed class SynchronousProgress(Action<TransferProgress> report) : IProgress<TransferProgress>
    {
        public void Report(TransferProgress value) => report(value);
    }
}
