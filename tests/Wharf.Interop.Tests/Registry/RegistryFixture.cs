using System.Net;
using Wharf.Interop.Tests.Infrastructure;

namespace Wharf.Interop.Tests.Registry;

/// <summary>
/// A registry server started as a child process on a free loopback port, with its own temp data directory.
/// The tests see only <see cref="Host"/> (and <see cref="Credentials"/>), so the same test class runs
/// against any registry: CNCF distribution now, Wharf once its <c>/v2/</c> exists.
/// </summary>
public abstract class RegistryFixture : IAsyncLifetime
{
    private static readonly TimeSpan StartTimeout = TimeSpan.FromSeconds(60);

    private ChildProcess? _server;

    private protected RegistryFixture(string prefix)
    {
        Data = new TempDirectory(prefix);
        Port = FreePort.Next();
    }

    public int Port { get; }

    /// <summary><c>127.0.0.1:port</c>, as it appears in image references.</summary>
    public string Host => $"127.0.0.1:{Port}";

    public Uri BaseUrl => new($"http://{Host}/");

    /// <summary>
    /// <c>user:password</c> for <c>skopeo --creds</c> and <c>podman --creds</c>, or null when the registry has
    /// no auth (distribution in these tests).
    /// </summary>
    public virtual string? Credentials => null;

    /// <summary>The server's output so far, for failure messages.</summary>
    public string ServerOutput => _server?.Output ?? string.Empty;

    internal TempDirectory Data { get; }

    /// <summary>A path that answers 200 (or 401 when auth is on) once the server can take requests.</summary>
    protected virtual string ReadinessPath => "/v2/";

    public async Task InitializeAsync()
    {
        _server = StartServer();
        try
        {
            await WaitUntilReadyAsync(_server);
        }
        catch
        {
            // A fixture that fails to start may never see DisposeAsync: do not leave the server running.
            _server.Dispose();
            _server = null;
            throw;
        }
    }

    public Task DisposeAsync()
    {
        _server?.Dispose();
        Data.Dispose();
        return Task.CompletedTask;
    }

    private protected abstract ChildProcess StartServer();

    private async Task WaitUntilReadyAsync(ChildProcess server)
    {
        using var http = new HttpClient { BaseAddress = BaseUrl, Timeout = TimeSpan.FromSeconds(2) };
        var deadline = DateTime.UtcNow + StartTimeout;
        HttpStatusCode? last = null;
        while (DateTime.UtcNow < deadline && !server.HasExited)
        {
            try
            {
                using var response = await http.GetAsync(ReadinessPath);
                last = response.StatusCode;
                if (response.StatusCode is HttpStatusCode.OK or HttpStatusCode.Unauthorized)
                {
                    return;
                }
            }
            catch (HttpRequestException)
            {
                // Not listening yet.
            }
            catch (TaskCanceledException)
            {
                // Listening but not answering yet.
            }

            await Task.Delay(100);
        }

        var state = server.HasExited ? "exited" : $"did not answer {ReadinessPath} with 200/401 (last: {last?.ToString() ?? "no answer"})";
        throw new InvalidOperationException(
            $"registry `{server.CommandLine}` {state} within {StartTimeout.TotalSeconds:0}s; output:\n{server.Output}");
    }
}
