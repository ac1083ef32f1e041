using System.Diagnostics;
using System.Globalization;
using System.Runtime.InteropServices;

namespace Wharf.Benchmarks.Storage;

/// <summary>
/// <c>dotnet run -c Release --project benchmarks/Wharf.Benchmarks -- blobstore [scale] [directory]</c>: Wharf's blob
/// store against the physical limit in one process on the same disk, printing workload, figures and ratios.
/// </summary>
/// <remarks>
/// The machines are shared, so load comes in bursts. Operations therefore alternate one by one (Wharf, limit, limit,
/// Wharf, ...) and each side reports the median of its per-operation times: a burst hits both sides alike and the
/// median ignores it. Each row is at least 9 runs per side; <c>scale</c> multiplies the counts.
/// </remarks>
internal static class BlobStoreSideBySide
{
    private const double MiB = 1024 * 1024;

    public static async Task<int> RunAsync(string[] args)
    {
        var scale = args.Length > 0 ? int.Parse(args[0], CultureInfo.InvariantCulture) : 1;
        var root = args.Length > 1 ? args[1] : Path.Combine(Path.GetTempPath(), $"wharf-bench-{Guid.NewGuid():N}");
        Directory.CreateDirectory(root);
        Console.WriteLine($"date        {DateTimeOffset.Now:yyyy-MM-dd HH:mm zzz}");
        Console.WriteLine($"machine     {Environment.ProcessorCount} cores, {RuntimeInformation.OSDescription}, {RuntimeInformation.FrameworkDescription}, load average {LoadAverage()}");
        Console.WriteLine($"directory   {root} ({DescribeFileSystem(root)})");
        Console.WriteLine("method      operations alternate Wharf/limit; median per-operation time per side; MiB/s = size / median time");
        Console.WriteLine();
        Console.WriteLine($"{"workload",-36} {"runs",5} {"Wharf MiB/s",12} {"limit MiB/s",12} {"ratio",6} {"target",7} {"Wharf CPU s",12} {"limit CPU s",12}");
        Console.WriteLine(new string('-', 110));

        var failed = false;
        try
        {
            foreach (var (size, writes, reads) in new[] { (1 << 20, 41, 201), (64 << 20, 9, 31) })
            {
                using var workload = new BlobWorkload(Path.Combine(root, size.ToString(CultureInfo.InvariantCulture)), size);
                failed |= !await CompareAsync(
                    $"write {Label(size)} vs limit", size, writes * scale, target: 0.8,
                    async () =>
                    {
                        workload.NextContent();
                        await workload.StoreWriteAsync();
                    },
                    () =>
                    {
                        workload.NextContent();
                        workload.LimitWrite();
                        return Task.CompletedTask;
                    },
                    workload.RemoveWrites);

                // No target: separates what the rename protocol costs on this filesystem from Wharf's own overhead.
                await CompareAsync(
                    $"write {Label(size)} vs rename-protocol floor", size, writes * scale, target: 0,
                    async () =>
                    {
                        workload.NextContent();
                        await workload.StoreWriteAsync();
                    },
                    () =>
                    {
                        workload.NextContent();
                        workload.ProtocolFloorWrite();
                        return Task.CompletedTask;
                    },
                    workload.RemoveWrites);

                failed |= !await CompareAsync(
                    $"read {Label(size)} vs limit", size, reads * scale, target: 0.9,
                    async () => await workload.StoreReadAsync(),
                    async () => await workload.LimitReadAsync(),
                    cleanup: null);
            }
        }
        finally
        {
            if (args.Length <= 1)
            {
                Directory.Delete(root, recursive: true);
            }
        }

        Console.WriteLine();
        Console.WriteLine("write limit = synchronous copy of the same stream into a new unbuffered FileStream, SHA-256 per chunk, fsync;");
        Console.WriteLine("rename-protocol floor = the limit + renameat2(NOREPLACE) into another directory + fsync of that directory;");
        Console.WriteLine("read limit = unbuffered FileStream read of the same file through the same 64 KiB loop (no hashing on either side).");
        return failed ? 1 : 0;
    }

    private static async Task<bool> CompareAsync(
        string name, int size, int runs, double target, Func<Task> wharf, Func<Task> limit, Action? cleanup)
    {
        // Warm-up: JIT, page cache.
        await wharf();
        await limit();
        cleanup?.Invoke();

        var wharfTimes = new List<double>(runs);
        var limitTimes = new List<double>(runs);
        var wharfCpu = TimeSpan.Zero;
        var limitCpu = TimeSpan.Zero;
        for (var run = 0; run < runs; run++)
        {
            // Alternate which side goes first so neither always follows the other's cleanup or writeback.
            if (run % 2 == 0)
            {
                wharfCpu += await MeasureAsync(wharf, wharfTimes);
                limitCpu += await MeasureAsync(limit, limitTimes);
            }
            else
            {
                limitCpu += await MeasureAsync(limit, limitTimes);
                wharfCpu += await MeasureAsync(wharf, wharfTimes);
            }

            cleanup?.Invoke();
        }

        var wharfRate = size / MiB / Median(wharfTimes);
        var limitRate = size / MiB / Median(limitTimes);
        var ratio = wharfRate / limitRate;
        var targetText = target > 0 ? target.ToString("F2", CultureInfo.InvariantCulture) : "-";
        var verdict = target > 0 && ratio < target ? "  BELOW TARGET" : string.Empty;
        Console.WriteLine(
            $"{name,-36} {runs,5} {wharfRate,12:F0} {limitRate,12:F0} {ratio,6:F2} {targetText,7} {wharfCpu.TotalSeconds,12:F2} {limitCpu.TotalSeconds,12:F2}{verdict}");
        return target <= 0 || ratio >= target;
    }

    private static async Task<TimeSpan> MeasureAsync(Func<Task> operation, List<double> seconds)
    {
        var cpu = Process.GetCurrentProcess().TotalProcessorTime;
        var started = Stopwatch.GetTimestamp();
        await operation();
        seconds.Add(Stopwatch.GetElapsedTime(started).TotalSeconds);
        return Process.GetCurrentProcess().TotalProcessorTime - cpu;
    }

    private static double Median(List<double> values)
    {
        values.Sort();
        return values.Count % 2 == 1 ? values[values.Count / 2] : (values[(values.Count / 2) - 1] + values[values.Count / 2]) / 2;
    }

    private static string Label(int size) => $"{size >> 20} MiB";

    private static string LoadAverage()
        => File.Exists("/proc/loadavg") ? string.Join(' ', File.ReadAllText("/proc/loadavg").Split(' ').Take(3)) : "n/a";

    private static string DescribeFileSystem(string path)
    {
        var drive = DriveInfo.GetDrives()
            .Where(d => path.StartsWith(d.RootDirectory.FullName, StringComparison.Ordinal))
            .MaxBy(d => d.RootDirectory.FullName.Length);
        return drive is null ? "unknown filesystem" : $"{drive.DriveFormat} on {drive.Name}";
    }
}
