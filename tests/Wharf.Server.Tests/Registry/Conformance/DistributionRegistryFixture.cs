using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using Wharf.Server.Tests.Infrastructure;

namespace Wharf.Server.Tests.Registry.Conformance;

/// <summary>
/// The reference registry, CNCF distribution (<c>docker-registry serve</c>), as a child process on a free loopback port
/// with filesystem storage and deletes enabled, in a temp directory removed on dispose. The conformance checks run
/// against it to prove that they are right before Wharf has to pass them.
/// </summary>
public sealed class DistributionRegistryFixture : IAsyncLifetime
{
    /// <summary>Debian's <c>docker-registry</c> package installs the binary here; override with WHARF_DISTRIBUTION_BINARY.</summary>
    public const string DefaultBinary = "/usr/bin/docker-registry";

    private readonly TempDirectory _directory = new("wharf-distribution");
    private Process? _process;
    private StreamWriter? _log;

    public HttpClient Client { get; private set; } = null!;

    public string LogPath => Path.Combine(_directory.Path, "registry.log");

    public async Task InitializeAsync()
    {
        var binary = Environment.GetEnvironmentVariable("WHARF_DISTRIBUTION_BINARY") is { Length: > 0 } configured ? configured : DefaultBinary;
        if (!File.Exists(binary))
        {
            throw new InvalidOperationException(
                $"CNCF distribution is not installed at {binary}; the conformance suite validates itself against it. " +
                "Install it with 'apt-get install docker-registry' or set WHARF_DISTRIBUTION_BINARY.");
        }

        var port = FreeLoopbackPort();
        var configPath = Path.Combine(_directory.Path, "config.yml");
        await File.WriteAllTextAsync(configPath, $"""
            version: 0.1
            log:
              level: info
              formatter: text
            storage:
              filesystem:
                rootdirectory: {Path.Combine(_directory.Path, "data")}
              delete:
                enabled: true
              maintenance:
                uploadpurging:
                  enabled: false
            http:
              addr: 127.0.0.1:{port}
              secret: wharf-conformance-not-a-secret
            validation:
              manifests:
                urls:
                  allow:
                    - ^https://
            """);

        _log = new StreamWriter(LogPath) { AutoFlush = true };
        var start = new ProcessStartInfo(binary, ["serve", configPath])
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        _process = Process.Start(start) ?? throw new InvalidOperationException($"could not start {binary}");
        _process.OutputDataReceived += (_, e) => WriteLog(e.Data);
        _process.ErrorDataReceived += (_, e) => WriteLog(e.Data);
        _process.BeginOutputReadLine();
        _process.BeginErrorReadLine();

        // Redirects are the registry's answer (Go cleans ".." out of paths with a 301), so they must be seen, not followed.
        Client = new HttpClient(new SocketsHttpHandler { AllowAutoRedirect = false })
        {
            BaseAddress = new Uri($"http://127.0.0.1:{port}/"),
            Timeout = TimeSpan.FromSeconds(30),
        };
        await WaitUntilServingAsync();
    }

    public async Task DisposeAsync()
    {
        Client?.Dispose();
        if (_process is { } process)
        {
            if (!process.HasExited)
            {
                process.Kill(entireProcessTree: true);
                await process.WaitForExitAsync();
            }

            process.Dispose();
        }

        if (_log is not null)
        {
            await _log.DisposeAsync();
        }

        _directory.Dispose();
    }

    private async Task WaitUntilServingAsync()
    {
        var deadline = DateTime.UtcNow.AddSeconds(20);
        while (DateTime.UtcNow < deadline)
        {
            if (_process!.HasExited)
            {
                throw new InvalidOperationException($"docker-registry exited with code {_process.ExitCode}:\n{ReadLogTail()}");
            }

            try
            {
                using var response = await Client.GetAsync("/v2/");
                if (response.StatusCode == HttpStatusCode.OK)
                {
                    return;
                }
            }
            catch (HttpRequestException)
            {
                // Not listening yet.
            }

            await Task.Delay(50);
        }

        throw new TimeoutException($"docker-registry did not answer GET /v2/ within 20 s:\n{ReadLogTail()}");
    }

    private void WriteLog(string? line)
    {
        if (line is not null)
        {
            lock (_directory)
            {
                _log?.WriteLine(line);
            }
        }
    }

    private string ReadLogTail()
    {
        lock (_directory)
        {
            _log?.Flush();
            using var reader = new StreamReader(new FileStream(LogPath, FileMode.Open, FileAccess.Read, FileShare.ReadWrite));
            var text = reader.ReadToEnd();
            return text.Length > 4000 ? text[^4000..] : text;
        }
    }

    private static int FreeLoopbackPort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}
