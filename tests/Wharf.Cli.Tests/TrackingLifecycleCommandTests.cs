using System.Text.Json;
using Wharf.Client.Tracking;

namespace Wharf.Cli.Tests;

/// <summary><c>wharf experiments rm|restore|rename</c> and <c>wharf runs rm|restore</c> against a real server, as its administrator.</summary>
public sealed class TrackingLifecycleCommandTests
{
    [Fact]
    public async Task Experiments_RenameRemoveRestore_ChangeWhatLsShows()
    {
        await using var server = await LocalServer.StartAsync();
        await Ok(server, "project", "create", "ml");
        var created = Json(await Ok(server, "experiments", "create", "ml/churn", "--format", "json"), TrackingJsonContext.Default.Experiment);

        var renamed = Json(await Ok(server, "experiments", "rename", "ml/churn", "ml/churn-v2", "--format", "json"), TrackingJsonContext.Default.Experiment);
        Assert.Equal(created.ExperimentId, renamed.ExperimentId);
        Assert.Equal("ml/churn-v2", renamed.Name);

        var removedText = await Ok(server, "experiments", "rm", "ml/churn-v2");
        Assert.Contains($"Deleted experiment ml/churn-v2 (id {created.ExperimentId})", removedText, StringComparison.Ordinal);
        var active = Json(await Ok(server, "experiments", "ls", "--format", "json"), TrackingJsonContext.Default.IReadOnlyListExperiment);
        Assert.DoesNotContain(active, e => e.ExperimentId == created.ExperimentId);
        var all = Json(await Ok(server, "experiments", "ls", "--all", "--format", "json"), TrackingJsonContext.Default.IReadOnlyListExperiment);
        Assert.Equal("deleted", all.Single(e => e.ExperimentId == created.ExperimentId).LifecycleStage);

        var restored = Json(await Ok(server, "experiments", "restore", created.ExperimentId, "--format", "json"), TrackingJsonContext.Default.Experiment);
        Assert.Equal("active", restored.LifecycleStage);
        active = Json(await Ok(server, "experiments", "ls", "--format", "json"), TrackingJsonContext.Default.IReadOnlyListExperiment);
        Assert.Contains(active, e => e.ExperimentId == created.ExperimentId && e.Name == "ml/churn-v2");
    }

    [Fact]
    public async Task Experiments_RenameToTakenNameOrUnknownExperiment_ExitWithMlflowErrorAndChangeNothing()
    {
        await using var server = await LocalServer.StartAsync();
        await Ok(server, "project", "create", "ml");
        await Ok(server, "experiments", "create", "ml/a");
        await Ok(server, "experiments", "create", "ml/b");

        var taken = await server.RunAsync("experiments", "rename", "ml/a", "ml/b");
        var unknown = await server.RunAsync("experiments", "rm", "987654");

        Assert.Equal(1, taken.ExitCode);
        Assert.Contains("RESOURCE_ALREADY_EXISTS", taken.Stderr, StringComparison.Ordinal);
        Assert.Empty(taken.Stdout);
        Assert.Equal(1, unknown.ExitCode);
        Assert.Contains("RESOURCE_DOES_NOT_EXIST", unknown.Stderr, StringComparison.Ordinal);
        var names = Json(await Ok(server, "experiments", "ls", "--format", "json"), TrackingJsonContext.Default.IReadOnlyListExperiment).Select(e => e.Name);
        Assert.Contains("ml/a", names);
        Assert.Contains("ml/b", names);
    }

    [Fact]
    public async Task Runs_RemoveAndRestoreSeveral_LeaveAndReturnToTheListing()
    {
        await using var server = await LocalServer.StartAsync();
        await Ok(server, "project", "create", "ml");
        await Ok(server, "experiments", "create", "ml/e");
        var first = (await Ok(server, "runs", "create", "--experiment", "ml/e", "--name", "first")).Trim();
        var second = (await Ok(server, "runs", "create", "--experiment", "ml/e", "--name", "second")).Trim();
        var kept = (await Ok(server, "runs", "create", "--experiment", "ml/e", "--name", "kept")).Trim();

        var removed = Json(await Ok(server, "runs", "rm", first, second, "--format", "json"), TrackingJsonContext.Default.IReadOnlyListRun);
        Assert.Equal([first, second], removed.Select(r => r.Info.RunId));
        Assert.All(removed, r => Assert.Equal("deleted", r.Info.LifecycleStage));
        var listed = Json(await Ok(server, "runs", "ls", "--experiment", "ml/e", "--format", "json"), TrackingJsonContext.Default.RunPage);
        Assert.Equal([kept], listed.Runs.Select(r => r.Info.RunId));

        var text = await Ok(server, "runs", "restore", first);
        Assert.Contains($"Restored run {first} (first)", text, StringComparison.Ordinal);
        listed = Json(await Ok(server, "runs", "ls", "--experiment", "ml/e", "--format", "json"), TrackingJsonContext.Default.RunPage);
        Assert.Equal(new[] { first, kept }.Order(StringComparer.Ordinal), listed.Runs.Select(r => r.Info.RunId).Order(StringComparer.Ordinal));
    }

    [Fact]
    public async Task RunsRemove_UnknownRun_ExitsWithResourceDoesNotExist()
    {
        await using var server = await LocalServer.StartAsync();

        var (exit, stdout, stderr) = await server.RunAsync("runs", "rm", "0123456789abcdef0123456789abcdef");

        Assert.Equal(1, exit);
        Assert.Empty(stdout);
        Assert.Contains("RESOURCE_DOES_NOT_EXIST", stderr, StringComparison.Ordinal);
    }

    [Fact]
    public async Task RunsRemove_NoRunId_UsageErrorWithoutCallingServer()
    {
        var (exit, _, _) = await CliRun.RunAsync("runs", "rm", "--server", "http://127.0.0.1:9");

        Assert.Equal(2, exit);
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
