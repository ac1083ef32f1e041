using System.Globalization;
using System.Net;
using System.Net.Sockets;
using System.Text;
using System.Text.Json;
using Wharf.TestModels;

namespace Wharf.Cli.Tests;

/// <summary><c>wharf serve</c> in this process on a free port: ready, infers the iris classifier, stops on cancellation.</summary>
public sealed class ServeCommandTests : IDisposable
{
    private static readonly Lazy<(byte[] Onnx, IrisSample[] Samples, int[] Expected)> Iris = new(() =>
    {
        var (train, test) = IrisData.Load().Split(0.8, seed: 1);
        var model = IrisTrainer.Train(train);
        return (OnnxModelWriter.Serialize(model.Parameters), test.Samples.ToArray(), model.Predict(test).Select(p => p.Label).ToArray());
    });

    private readonly string _work = Path.Combine(Path.GetTempPath(), $"wharf-serve-cli-{Guid.NewGuid():N}");

    public ServeCommandTests() => Directory.CreateDirectory(_work);

    public void Dispose() => Directory.Delete(_work, recursive: true);

    [Fact]
    public async Task Serve_ModelDirectory_ReadyInfersAndStopsOnCancel()
    {
        var model = Path.Combine(_work, "flower");
        Directory.CreateDirectory(model);
        await File.WriteAllBytesAsync(Path.Combine(model, "model.onnx"), Iris.Value.Onnx);
        var port = FreePort();

        var (exit, stdout, stderr) = await ServeAsync(port, async http =>
        {
            await AssertPredictsAsync(http, "flower");
            using var metrics = await http.GetAsync("/metrics");
            Assert.Equal(HttpStatusCode.OK, metrics.StatusCode);
        }, "serve", model, "--port", port.ToString(CultureInfo.InvariantCulture), "--max-batch", "8", "--max-queue-delay-ms", "1", "--intra-op-threads", "1");

        Assert.True(exit == 0, stderr);
        Assert.Contains($"listening on http://127.0.0.1:{port}", stdout, StringComparison.Ordinal);
        Assert.Contains("flower v1  READY", stdout, StringComparison.Ordinal);
        await Assert.ThrowsAsync<HttpRequestException>(() => new HttpClient().GetAsync($"http://127.0.0.1:{port}/v2/health/live"));
    }

    [Fact]
    public async Task Serve_WharfRegistryReference_PullsWithTheCliTokenAndNotWithout()
    {
        await using var server = await LocalServer.StartAsync();
        await Ok(server, "project", "create", "ml");
        await Ok(server, "experiments", "create", "ml/e");
        var run = (await Ok(server, "runs", "create", "--experiment", "ml/e")).Trim();
        var local = Path.Combine(_work, "iris.onnx");
        await File.WriteAllBytesAsync(local, Iris.Value.Onnx);
        await Ok(server, "artifacts", "put", run, local, "--path", "model/model.onnx");
        await Ok(server, "models", "create", "iris", "--project", "ml");
        await Ok(server, "models", "register", $"{run}/model", "--name", "ml/iris");
        var reference = $"{server.Address.Authority}/ml/models/iris:v1";
        var configDir = Path.Combine(_work, "config");

        var port = FreePort();
        var (exit, stdout, _) = await ServeAsync(port, http => AssertPredictsAsync(http, "iris", "1"),
            "serve", reference, "--port", port.ToString(CultureInfo.InvariantCulture), "--server", server.Address.ToString(), "--token", server.AdminToken);
        var anonymousPort = FreePort();
        var (anonymousExit, anonymousStdout, _) = await ServeAsync(anonymousPort, null,
            "serve", reference, "--port", anonymousPort.ToString(CultureInfo.InvariantCulture), "--server", server.Address.ToString(), "--config-dir", configDir);

        Assert.Equal(0, exit);
        Assert.Contains("iris v1  READY", stdout, StringComparison.Ordinal);
        Assert.Equal(0, anonymousExit);
        Assert.Contains($"iris v1  UNAVAILABLE  cannot pull '{reference}'", anonymousStdout, StringComparison.Ordinal);
        Assert.Contains("Not ready", anonymousStdout, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Serve_InvalidSource_UsageErrorNamingIt()
    {
        var (exit, _, stderr) = await CliRun.RunAsync("serve", "no such thing", "--port", "0");

        Assert.Equal(2, exit);
        Assert.Contains("Serving:Models:0:Source", stderr, StringComparison.Ordinal);
    }

    /// <summary>
    /// Runs <c>wharf serve</c> until start-up has finished, then <paramref name="whileReady"/> (only when the server said it
    /// is ready), then cancels it as Ctrl+C would and returns what it printed.
    /// </summary>
    private static async Task<(int Exit, string Stdout, string Stderr)> ServeAsync(int port, Func<HttpClient, Task>? whileReady, params string[] args)
    {
        var stdoutText = new StringBuilder();
        var stderrText = new StringBuilder();
        using var stdout = TextWriter.Synchronized(new StringWriter(stdoutText));
        using var stderr = TextWriter.Synchronized(new StringWriter(stderrText));
        using var cancel = new CancellationTokenSource();
        var serving = CliApp.RunAsync(args, stdout, stderr, null, cancel.Token);
        try
        {
            while (!Printed(stdout, stdoutText, "Ready:") && !Printed(stdout, stdoutText, "Not ready"))
            {
                Assert.False(serving.IsCompleted, $"wharf serve exited early: {stderrText}");
                await Task.Delay(50);
            }

            if (whileReady is not null)
            {
                Assert.True(Printed(stdout, stdoutText, "Ready:"), stdoutText.ToString());
                using var http = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{port}") };
                using var ready = await http.GetAsync("/v2/health/ready");
                Assert.Equal(HttpStatusCode.OK, ready.StatusCode);
                await whileReady(http);
            }
        }
        finally
        {
            await cancel.CancelAsync();
        }

        var exit = await serving;
        return (exit, stdoutText.ToString(), stderrText.ToString());
    }

    private static bool Printed(TextWriter writer, StringBuilder text, string what)
    {
        lock (writer)
        {
            return text.ToString().Contains(what, StringComparison.Ordinal);
        }
    }

    private static async Task AssertPredictsAsync(HttpClient http, string model, string? version = null)
    {
        var (_, samples, expected) = Iris.Value;
        var data = string.Join(",", samples.SelectMany(s => s.ToFeatures()).Select(f => f.ToString("R", CultureInfo.InvariantCulture)));
        var body = $$"""{"inputs":[{"name":"{{OnnxModelWriter.InputName}}","datatype":"FP32","shape":[{{samples.Length}},4],"data":[{{data}}]}],"outputs":[{"name":"{{OnnxModelWriter.LabelName}}"}]}""";
        using var content = new StringContent(body, Encoding.UTF8, "application/json");
        using var response = await http.PostAsync(version is null ? $"/v2/models/{model}/infer" : $"/v2/models/{model}/versions/{version}/infer", content);
        var text = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == HttpStatusCode.OK, text);
        var labels = JsonDocument.Parse(text).RootElement.GetProperty("outputs")[0].GetProperty("data").EnumerateArray().Select(e => (int)e.GetInt64()).ToArray();
        Assert.Equal(expected, labels);
    }

    private static async Task<string> Ok(LocalServer server, params string[] args)
    {
        var (exit, stdout, stderr) = await server.RunAsync(args);
        Assert.True(exit == 0, $"wharf {string.Join(' ', args)} exited {exit}: {stderr}");
        return stdout;
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}
