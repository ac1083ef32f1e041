using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Text;
using Wharf.Server.Hosting;

namespace Wharf.Cli.Tests;

/// <summary>
/// The platform started as a real child process, the way a user starts it: <c>wharf server</c> and the server
/// assembly itself (what <c>dotnet run --project src/Wharf.Server</c> runs).
/// </summary>
public sealed class ServerProcessTests
{
    [Theory]
    [InlineData("wharf.dll", "server", "--urls", "{url}")]
    [InlineData("Wharf.Server.dll", "--urls", "{url}")]
    public async Task Server_StartedAsProcess_ServesStatusAndStopsGracefullyOnSigterm(params string[] command)
    {
        var data = Path.Combine(Path.GetTempPath(), $"wharf-proc-{Guid.NewGuid():N}");
        var url = $"http://127.0.0.1:{FreePort()}";
        var output = new StringBuilder();
        using var process = Start(command, url, data, output);
        try
        {
            await WaitForLiveAsync(new Uri(url), process, output);

            var (exit, stdout, _) = await CliRun.RunAsync("status", "--server", url, "--token", File.ReadAllText(Path.Combine(data, "admin-token")).Trim());

            Assert.Equal(0, exit);
            Assert.Contains(data, stdout, StringComparison.Ordinal);
            Assert.True(File.Exists(Path.Combine(data, "wharf.db")), "the SQLite database is created in the data directory");

            using (var kill = Process.Start("kill", ["-TERM", process.Id.ToString(System.Globalization.CultureInfo.InvariantCulture)]))
            {
                await kill.WaitForExitAsync();
            }

            using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(30));
            await process.WaitForExitAsync(timeout.Token);
            Assert.Equal(0, process.ExitCode);
            lock (output)
            {
                Assert.Contains("Wharf stopping", output.ToString(), StringComparison.Ordinal);
            }
        }
        finally
        {
            if (!process.HasExited)
            {
                process.Kill(entireProcessTree: true);
            }

            if (Directory.Exists(data))
            {
                Directory.Delete(data, recursive: true);
            }
        }
    }

    [Fact]
    public void Build_NoUrlsGiven_ListensOnLoopback8080()
    {
        var app = WharfServer.Build([]);

        Assert.Equal(WharfServer.DefaultUrl, app.Configuration["urls"]);
        Assert.Equal("http://127.0.0.1:8080", WharfServer.DefaultUrl);
    }

    private static Process Start(string[] command, string url, string data, StringBuilder output)
    {
        var info = new ProcessStartInfo("dotnet")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
            WorkingDirectory = AppContext.BaseDirectory,
        };
        info.ArgumentList.Add(Path.Combine(AppContext.BaseDirectory, command[0]));
        foreach (var arg in command.Skip(1))
        {
            info.ArgumentList.Add(arg.Replace("{url}", url, StringComparison.Ordinal));
        }

        info.Environment["WHARF_DATA"] = data;
        info.Environment.Remove("ASPNETCORE_URLS");
        var process = new Process { StartInfo = info };
        DataReceivedEventHandler append = (_, e) =>
        {
            if (e.Data is not null)
            {
                lock (output)
                {
                    output.AppendLine(e.Data);
                }
            }
        };
        process.OutputDataReceived += append;
        process.ErrorDataReceived += append;
        process.Start();
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        return process;
    }

    private static async Task WaitForLiveAsync(Uri server, Process process, StringBuilder output)
    {
        using var http = new HttpClient { BaseAddress = server, Timeout = TimeSpan.FromSeconds(2) };
        var deadline = DateTime.UtcNow.AddSeconds(60);
        while (DateTime.UtcNow < deadline)
        {
            if (process.HasExited)
            {
                break;
            }

            try
            {
                using var response = await http.GetAsync("/healthz/live");
                if (response.StatusCode == HttpStatusCode.OK)
                {
                    return;
                }
            }
            catch (HttpRequestException)
            {
            }
            catch (TaskCanceledException)
            {
            }

            await Task.Delay(200);
        }

        lock (output)
        {
            Assert.Fail($"server did not become live; output:\n{output}");
        }
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}
