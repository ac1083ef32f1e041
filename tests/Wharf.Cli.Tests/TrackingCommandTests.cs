using System.Text.Json;
using Wharf.Client.Tracking;

namespace Wharf.Cli.Tests;

/// <summary><c>wharf experiments|runs|artifacts</c> end to end against a real server, as its administrator.</summary>
public sealed class TrackingCommandTests
{
    [Fact]
    public async Task ExperimentsAndRuns_CreateLogSearchShowEnd_WorkEndToEnd()
    {
        await using var server = await LocalServer.StartAsync();
        await Ok(server, "project", "create", "ml");

        var created = Json(await Ok(server, "experiments", "create", "ml/churn", "--format", "json"), TrackingJsonContext.Default.Experiment);
        Assert.Equal("ml/churn", created.Name);
        var listed = Json(await Ok(server, "experiments", "ls", "--format", "json"), TrackingJsonContext.Default.IReadOnlyListExperiment);
        Assert.Contains(listed, e => e.ExperimentId == created.ExperimentId && e.Name == "ml/churn");
        Assert.Contains("ml/churn", await Ok(server, "experiments", "ls"), StringComparison.Ordinal);

        var good = Json(await Ok(server, "runs", "create", "--experiment", "ml/churn", "--name", "good", "--format", "json"), TrackingJsonContext.Default.Run);
        var bad = (await Ok(server, "runs", "create", "--experiment", created.ExperimentId, "--name", "bad")).Trim();
        Assert.Equal("good", good.Info.RunName);
        Assert.Equal(RunStatuses.Running, good.Info.Status);

        await Ok(server, "runs", "log", good.Info.RunId, "--metric", "acc=0.95@2", "--metric", "loss=NaN", "--param", "lr=0.01", "--tag", "team=a");
        var logged = await Ok(server, "runs", "log", bad, "-m", "acc=0.5", "-p", "lr=0.1", "--format", "json");
        using (var summary = JsonDocument.Parse(logged))
        {
            Assert.Equal(1, summary.RootElement.GetProperty("metrics").GetInt32());
        }

        var found = Json(await Ok(server, "runs", "search", "metrics.acc > 0.9 and params.lr = '0.01'", "--experiment", "ml/churn", "--format", "json"),
            TrackingJsonContext.Default.RunPage);
        Assert.Equal(good.Info.RunId, Assert.Single(found.Runs).Info.RunId);

        var table = await Ok(server, "runs", "search", "attributes.status = 'RUNNING'", "-e", "ml/churn", "--order-by", "metrics.acc DESC");
        var lines = table.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.Contains("metrics.acc", lines[0], StringComparison.Ordinal);
        Assert.StartsWith(good.Info.RunId, lines[1], StringComparison.Ordinal); // 0.95 before 0.5
        Assert.StartsWith(bad, lines[2], StringComparison.Ordinal);

        var shown = Json(await Ok(server, "runs", "show", good.Info.RunId, "--format", "json"), TrackingJsonContext.Default.Run);
        Assert.Equal(new Param("lr", "0.01"), Assert.Single(shown.Data.Params));
        Assert.True(double.IsNaN(shown.Data.Metrics.Single(m => m.Key == "loss").Value));
        Assert.Equal(2, shown.Data.Metrics.Single(m => m.Key == "acc").Step);
        Assert.Contains(new TrackingTag("team", "a"), shown.Data.Tags);
        var text = await Ok(server, "runs", "show", good.Info.RunId);
        Assert.Contains("0.95", text, StringComparison.Ordinal);
        Assert.Contains("NaN", text, StringComparison.Ordinal);
        Assert.Contains("team", text, StringComparison.Ordinal);

        var ended = Json(await Ok(server, "runs", "end", good.Info.RunId, "--status", "failed", "--format", "json"), TrackingJsonContext.Default.RunInfo);
        Assert.Equal(RunStatuses.Failed, ended.Status);
        Assert.NotNull(ended.EndTime);

        var page = Json(await Ok(server, "runs", "ls", "--experiment", "ml/churn", "--limit", "1", "--format", "json"), TrackingJsonContext.Default.RunPage);
        Assert.Single(page.Runs);
        Assert.NotNull(page.NextPageToken);
        var all = Json(await Ok(server, "runs", "ls", "--experiment", "ml/churn", "--format", "json"), TrackingJsonContext.Default.RunPage);
        Assert.Equal(2, all.Runs.Count);
        Assert.Null(all.NextPageToken);
    }

    [Fact]
    public async Task RunsShowAndSearch_UnknownRunOrMalformedFilter_ExitWithMlflowErrorCode()
    {
        await using var server = await LocalServer.StartAsync();
        await Ok(server, "project", "create", "ml");
        await Ok(server, "experiments", "create", "ml/e");

        var missing = await server.RunAsync("runs", "show", "0123456789abcdef0123456789abcdef");
        var malformed = await server.RunAsync("runs", "search", "metrics.acc >> 'x' or 1=1; --", "--experiment", "ml/e");
        var noExperiment = await server.RunAsync("runs", "ls", "--experiment", "ml/nope");

        Assert.Equal(1, missing.ExitCode);
        Assert.Contains("RESOURCE_DOES_NOT_EXIST", missing.Stderr, StringComparison.Ordinal);
        Assert.Equal(1, malformed.ExitCode);
        Assert.Contains("INVALID_PARAMETER_VALUE", malformed.Stderr, StringComparison.Ordinal);
        Assert.Equal(1, noExperiment.ExitCode);
        Assert.Contains("RESOURCE_DOES_NOT_EXIST", noExperiment.Stderr, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("--metric", "acc")]
    [InlineData("--metric", "acc=high")]
    [InlineData("--metric", "acc=1@x")]
    [InlineData("--param", "=v")]
    public async Task RunsLog_MalformedItem_UsageErrorWithoutCallingServer(string option, string value)
    {
        // No server: a usage error must be found before any request (the address is unreachable on purpose).
        var (exit, stdout, stderr) = await CliRun.RunAsync("runs", "log", "abc", option, value, "--server", "http://127.0.0.1:9");

        Assert.Equal(2, exit);
        Assert.Empty(stdout);
        Assert.Contains(value, stderr, StringComparison.Ordinal);
    }

    [Fact]
    public async Task RunsEnd_StatusNotAnEndState_UsageError()
    {
        var (exit, _, stderr) = await CliRun.RunAsync("runs", "end", "abc", "--status", "RUNNING", "--server", "http://127.0.0.1:9");

        Assert.Equal(2, exit);
        Assert.Contains("FINISHED, FAILED or KILLED", stderr, StringComparison.Ordinal);
    }

    [Fact]
    public async Task ArtifactsGet_MissingArtifact_FailsAndLeavesNoFileBehind()
    {
        await using var server = await LocalServer.StartAsync();
        await Ok(server, "project", "create", "ml");
        await Ok(server, "experiments", "create", "ml/e");
        var run = (await Ok(server, "runs", "create", "--experiment", "ml/e")).Trim();
        var directory = Directory.CreateTempSubdirectory("wharf-artifacts-");
        try
        {
            var target = Path.Combine(directory.FullName, "model.bin");

            var (exit, stdout, stderr) = await server.RunAsync("artifacts", "get", run, "model/model.bin", "-o", target);

            Assert.Equal(1, exit);
            Assert.Empty(stdout);
            Assert.Contains("wharf: server answered 404", stderr, StringComparison.Ordinal);
            Assert.Empty(directory.GetFileSystemInfos());
        }
        finally
        {
            directory.Delete(recursive: true);
        }
    }

    [Fact]
    public async Task ArtifactsPut_LocalFileMissing_UsageErrorWithoutCallingServer()
    {
        var missing = Path.Combine(Path.GetTempPath(), $"wharf-missing-{Guid.NewGuid():N}.bin");

        var (exit, _, stderr) = await CliRun.RunAsync("artifacts", "put", "abc", missing, "--server", "http://127.0.0.1:9");

        Assert.Equal(2, exit);
        Assert.Contains("does not exist", stderr, StringComparison.Ordinal);
    }

    private static async Task<string> Ok(LocalServer server, params string[] args)
    {
        var (exit, stdout, stderr) = await server.RunAsync(args);
        Assert.True(exit == 0, $"wharf {string.Join(' ', args)} exited {exit}: {stderr}");
        return stdout;
    }

    private static T Json<T>(string stdout, System.Text.Json.Serialization.Metadata.JsonTypeInfo<T> type)
        => JsonSerializer.Deserialize(stdout, type) ?? throw new InvalidDataException("stdout was JSON null");
}
