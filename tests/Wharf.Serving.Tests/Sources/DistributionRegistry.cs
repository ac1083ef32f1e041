using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using Wharf.Serving.Tests.Infrastructure;

namespace Wharf.Serving.Tests.Sources;

/// <summary>
/// The CNCF distribution registry (Debian package <c>docker-registry</c>) on a free loopback port, no auth, filesystem
/// storage in a temp directory; killed and deleted on dispose.
/// </summary>
public sealed class DistributionRegistry : IAsyncLifetime
{
    public const string Binary = "/usr/bin/docker-registry";

    private readonly TempDirectory data = new();
    private Process? process;

    public string Host { get; private set; } = "";

    public string StoragePath => data.Combine("storage");

    public async Task InitializeAsync()
    {
        if (!File.Exists(Binary))
        {
            throw new InvalidOperationException($"{Binary} is missing: apt-get install -y docker-registry");
        }

        using (var listener = new TcpListener(IPAddress.Loopback, 0))
        {
            listener.Start();
            Host = $"127.0.0.1:{((IPEndPoint)listener.LocalEndpoint).Port}";
        }

        var config = data.Combine("config.yml");
        await File.WriteAllTextAsync(config, $"""
            version: 0.1
            log:
              level: warn
              accesslog:
                disabled: true
            storage:
              filesystem:
                rootdirectory: {StoragePath}
              maintenance:
                uploadpurging:
                  enabled: false
            http:
              addr: {Host}
              secret: wharf-serving-tests
            """);
        process = Process.Start(new ProcessStartInfo(Binary, ["serve", config])
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            WorkingDirectory = data.Path,
        })!;
        process.OutputDataReceived += (_, _) => { };
        process.ErrorDataReceived += (_, _) => { };
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();

        using var http = new HttpClient();
        for (var attempt = 0; attempt < 200; attempt++)
        {
            try
            {
                using var response = await http.GetAsync($"http://{Host}/v2/");
                if (response.StatusCode == HttpStatusCode.OK)
                {
                    return;
                }
            }
            catch (HttpRequestException)
            {
                // Not listening yet.
            }

            if (process.HasExited)
            {
                throw new InvalidOperationException($"docker-registry exited with {process.ExitCode}");
            }

            await Task.Delay(50);
        }

        throw new TimeoutException("docker-registry did not start");
    }

    public Task DisposeAsync()
    {
        if (process is { HasExited: false })
        {
            process.Kill(entireProcessTree: true);
            process.WaitForExit();
        }

        process?.Dispose();
        data.Dispose();
        return Task.CompletedTask;
    }
}
