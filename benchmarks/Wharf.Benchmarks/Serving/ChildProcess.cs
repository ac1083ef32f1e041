using System.Collections.Concurrent;
using System.Diagnostics;
using System.Reflection;

namespace Wharf.Benchmarks.Serving;

/// <summary>
/// A process the harness starts (the raw loop, the HTTP limit, wharf-serve), optionally pinned with
/// <c>taskset -c CPUS</c> (taskset execs the program, so the process id and CPU time are the program's). Keeps its
/// output for reading and for error messages; ended by its own id on dispose.
/// </summary>
internal sealed class ChildProcess : IAsyncDisposable
{
    private readonly Process _process;
    private readonly ConcurrentQueue<string> _lines = new();
    private readonly ConcurrentQueue<string> _errors = new();

    private ChildProcess(Process process) => _process = process;

    public TimeSpan CpuTime
    {
        get
        {
            _process.Refresh();
            return _process.HasExited ? TimeSpan.Zero : _process.TotalProcessorTime;
        }
    }

    public IEnumerable<string> Lines => _lines;

    public bool HasExited => _process.HasExited;

    /// <summary>Starts <paramref name="fileName"/>, under taskset when <paramref name="cpus"/> is set.</summary>
    public static ChildProcess Start(string fileName, IEnumerable<string> arguments, string? cpus)
    {
        var start = new ProcessStartInfo
        {
            FileName = string.IsNullOrEmpty(cpus) ? fileName : "taskset",
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            RedirectStandardInput = true,
            UseShellExecute = false,
        };
        if (!string.IsNullOrEmpty(cpus))
        {
            start.ArgumentList.Add("-c");
            start.ArgumentList.Add(cpus);
            start.ArgumentList.Add(fileName);
        }

        foreach (var argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }

        var process = new Process { StartInfo = start };
        var child = new ChildProcess(process);
        process.OutputDataReceived += (_, e) => { if (e.Data is not null) { child._lines.Enqueue(e.Data); } };
        process.ErrorDataReceived += (_, e) => { if (e.Data is not null) { child._errors.Enqueue(e.Data); } };
        process.Start();
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        return child;
    }

    /// <summary>This benchmark program itself in another mode (<c>dotnet Wharf.Benchmarks.dll MODE ...</c>).</summary>
    public static ChildProcess StartSelf(IEnumerable<string> arguments, string? cpus)
    {
        var host = Environment.ProcessPath!;
        var prefix = Path.GetFileNameWithoutExtension(host) == "dotnet" ? [Assembly.GetEntryAssembly()!.Location] : Array.Empty<string>();
        return Start(host, [.. prefix, .. arguments], cpus);
    }

    public async Task<string> WaitForLineAsync(string prefix, TimeSpan timeout)
    {
        var deadline = Stopwatch.StartNew();
        while (deadline.Elapsed < timeout)
        {
            if (_lines.FirstOrDefault(l => l.StartsWith(prefix, StringComparison.Ordinal)) is { } line)
            {
                return line;
            }

            if (_process.HasExited)
            {
                break;
            }

            await Task.Delay(50);
        }

        throw new InvalidOperationException($"{_process.StartInfo.FileName} {string.Join(' ', _process.StartInfo.ArgumentList)}: no '{prefix}' line within {timeout.TotalSeconds:N0} s{Tail()}");
    }

    public async Task WaitForExitAsync(TimeSpan timeout)
    {
        using var cancellation = new CancellationTokenSource(timeout);
        await _process.WaitForExitAsync(cancellation.Token);
        if (_process.ExitCode != 0)
        {
            throw new InvalidOperationException($"{_process.StartInfo.FileName} exited with {_process.ExitCode}{Tail()}");
        }
    }

    /// <summary>The last lines of the child's output, for error messages.</summary>
    public string Tail() =>
        "\n  output: " + string.Join("\n          ", _lines.TakeLast(10)) + "\n  errors: " + string.Join("\n          ", _errors.TakeLast(20));

    public async ValueTask DisposeAsync()
    {
        if (!_process.HasExited)
        {
            _process.Kill(entireProcessTree: true);
            await _process.WaitForExitAsync();
        }

        _process.Dispose();
    }
}
