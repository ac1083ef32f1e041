using System.Diagnostics;
using System.Text;
using System.Text.RegularExpressions;
using Wharf.Server.Hosting;

namespace Wharf.Server.Tests.Infrastructure;

/// <summary>
/// The real server as a child process (<c>dotnet Wharf.Server.dll</c>), for tests that need a real socket, such as
/// a browser, or a real crash. It listens on a port the OS picks on 127.0.0.1, keeps its data in a temp directory that
/// is also its working directory (so nothing can come from the source tree), and is killed and deleted on dispose.
/// </summary>
/// <remarks>
/// Fault tests pass a data directory of their own (kept on dispose, so the next server can start on what a crash
/// left) and extra environment, such as <c>WHARF_FAILPOINTS</c> and <c>Wharf__Registry__...</c> settings.
/// </remarks>
internal sealed partial class WharfServerProcess : IAsyncDisposable
{
    private static readonly TimeSpan StartLimit = TimeSpan.FromSeconds(60);

    private readonly Process _process;
    private readonly StringBuilder _output;
    private readonly bool _ownsDataDirectory;

    private WharfServerProcess(Process process, StringBuilder output, string dataDirectory, bool ownsDataDirectory, Uri baseAddress)
    {
        _process = process;
        _output = output;
        _ownsDataDirectory = ownsDataDirectory;
        DataDirectory = dataDirectory;
        BaseAddress = baseAddress;
    }

    /// <summary>The server's data directory (absolute, fresh and owned by this instance).</summary>
    public string DataDirectory { get; }

    /// <summary>Where the server listens, for example <c>http://127.0.0.1:41234/</c>.</summary>
    public Uri BaseAddress { get; }

    /// <summary>The bootstrap administrator's token from the data directory (the first start there wrote it).</summary>
    public string AdminToken => AdminTokens.Read(DataDirectory);

    /// <summary>A client for this server that sends the administrator's token.</summary>
    public HttpClient CreateClient() => new()
    {
        BaseAddress = BaseAddress,
        DefaultRequestHeaders = { Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue("Bearer", AdminToken) },
    };

    /// <summary>What the server printed so far, for failure messages.</summary>
    public string Output
    {
        get
        {
            lock (_output)
            {
                return _output.ToString();
            }
        }
    }

    /// <summary>True once the process has exited (for example killed at a failpoint).</summary>
    public bool HasExited => _process.HasExited;

    public static Task<WharfServerProcess> StartAsync(CancellationToken cancellationToken = default)
        => StartAsync(dataDirectory: null, environment: null, cancellationToken);

    /// <param name="dataDirectory">An existing data directory the caller owns and deletes; null for a fresh one of the server's own.</param>
    /// <param name="environment">Extra environment variables for the server process.</param>
    /// <param name="cancellationToken">Cancels waiting for the start.</param>
    public static async Task<WharfServerProcess> StartAsync(
        string? dataDirectory, IReadOnlyDictionary<string, string>? environment, CancellationToken cancellationToken = default)
    {
        var ownsDataDirectory = dataDirectory is null;
        dataDirectory ??= Directory.CreateTempSubdirectory("wharf-test-").FullName;
        var output = new StringBuilder();
        var listening = new TaskCompletionSource<Uri>(TaskCreationOptions.RunContinuationsAsynchronously);

        var start = new ProcessStartInfo(DotnetHost())
        {
            WorkingDirectory = dataDirectory,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        start.ArgumentList.Add(typeof(WharfServer).Assembly.Location);
        // Port 0: the OS picks a free port and Kestrel logs it, so parallel tests never race for one.
        start.ArgumentList.Add("--urls");
        start.ArgumentList.Add("http://127.0.0.1:0");
        start.Environment["WHARF_DATA"] = dataDirectory;
        // Production, so that nothing development-only (static web assets from the source tree) can hide a bug.
        start.Environment["ASPNETCORE_ENVIRONMENT"] = "Production";
        start.Environment["DOTNET_ENVIRONMENT"] = "Production";
        start.Environment["Logging__LogLevel__Default"] = "Warning";
        start.Environment["Logging__LogLevel__Microsoft.Hosting.Lifetime"] = "Information";
        foreach (var (name, value) in environment ?? new Dictionary<string, string>())
        {
            start.Environment[name] = value;
        }

        var process = new Process { StartInfo = start, EnableRaisingEvents = true };
        void OnLine(object sender, DataReceivedEventArgs e)
        {
            if (e.Data is null)
            {
                return;
            }

            lock (output)
            {
                output.AppendLine(e.Data);
            }

            if (ListeningLine().Match(e.Data) is { Success: true } match)
            {
                listening.TrySetResult(new Uri(match.Groups["url"].Value + "/"));
            }
        }

        process.OutputDataReceived += OnLine;
        process.ErrorDataReceived += OnLine;
        process.Exited += (_, _) => listening.TrySetException(new InvalidOperationException("the server exited while starting"));

        try
        {
            process.Start();
            process.BeginOutputReadLine();
            process.BeginErrorReadLine();

            Uri baseAddress;
            try
            {
                baseAddress = await listening.Task.WaitAsync(StartLimit, cancellationToken);
            }
            catch (Exception ex) when (ex is InvalidOperationException or TimeoutException)
            {
                if (process.HasExited)
                {
                    // Drains the redirected output, so the message below holds the server's last words.
                    await process.WaitForExitAsync(CancellationToken.None);
                }

                throw new InvalidOperationException($"Wharf.Server did not start ({ex.Message}). Its output:\n{Snapshot(output)}", ex);
            }

            var server = new WharfServerProcess(process, output, dataDirectory, ownsDataDirectory, baseAddress);
            await server.WaitUntilLiveAsync(cancellationToken);
            return server;
        }
        catch
        {
            Stop(process);
            process.Dispose();
            if (ownsDataDirectory)
            {
                TryDeleteDirectory(dataDirectory);
            }

            throw;
        }
    }

    /// <summary>SIGKILL, as a crash or the OOM killer would: no shutdown, no flushing. Returns once the process is gone.</summary>
    public async Task KillAsync(CancellationToken cancellationToken = default)
    {
        Stop(_process);
        await _process.WaitForExitAsync(cancellationToken);
    }

    /// <summary>Waits for the process to end on its own (a failpoint that kills it).</summary>
    public async Task WaitForExitAsync(TimeSpan limit)
    {
        using var timeout = new CancellationTokenSource(limit);
        try
        {
            await _process.WaitForExitAsync(timeout.Token);
        }
        catch (OperationCanceledException)
        {
            throw new TimeoutException($"Wharf.Server did not exit within {limit}. Its output:\n{Output}");
        }
    }

    public async ValueTask DisposeAsync()
    {
        Stop(_process);
        await _process.WaitForExitAsync();
        _process.Dispose();
        if (_ownsDataDirectory)
        {
            TryDeleteDirectory(DataDirectory);
        }
    }

    private async Task WaitUntilLiveAsync(CancellationToken cancellationToken)
    {
        using var http = new HttpClient { BaseAddress = BaseAddress };
        using var limit = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        limit.CancelAfter(StartLimit);
        while (true)
        {
            try
            {
                using var response = await http.GetAsync(new Uri("healthz/live", UriKind.Relative), limit.Token);
                if (response.IsSuccessStatusCode)
                {
                    return;
                }
            }
            catch (HttpRequestException) when (!_process.HasExited)
            {
                // Kestrel logged its address a moment before accepting; ask again.
            }
            catch (OperationCanceledException) when (limit.IsCancellationRequested && !cancellationToken.IsCancellationRequested)
            {
                throw new InvalidOperationException($"Wharf.Server never answered /healthz/live. Its output:\n{Output}");
            }

            if (_process.HasExited)
            {
                throw new InvalidOperationException($"Wharf.Server exited with {_process.ExitCode}. Its output:\n{Output}");
            }

            await Task.Delay(100, limit.Token);
        }
    }

    /// <summary>The same dotnet host that runs the tests, so the server runs on the same runtime.</summary>
    private static string DotnetHost()
    {
        if (Environment.ProcessPath is { } self && Path.GetFileNameWithoutExtension(self) == "dotnet")
        {
            return self;
        }

        return Environment.GetEnvironmentVariable("DOTNET_HOST_PATH") is { Length: > 0 } host ? host : "dotnet";
    }

    private static void Stop(Process process)
    {
        try
        {
            if (!process.HasExited)
            {
                process.Kill(entireProcessTree: true);
            }
        }
        catch (InvalidOperationException)
        {
            // It exited between the check and the kill.
        }
    }

    private static void TryDeleteDirectory(string path)
    {
        try
        {
            Directory.Delete(path, recursive: true);
        }
        catch (DirectoryNotFoundException)
        {
        }
    }

    private static string Snapshot(StringBuilder output)
    {
        lock (output)
        {
            return output.ToString();
        }
    }

    [GeneratedRegex(@"Now listening on: (?<url>http://127\.0\.0\.1:\d+)")]
    private static partial Regex ListeningLine();
}
