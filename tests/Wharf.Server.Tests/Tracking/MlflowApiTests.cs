using System.Net;
using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Wharf.Server.Auth;
using Wharf.Server.Data;
using Wharf.Server.Tests.Infrastructure;

namespace Wharf.Server.Tests.Tracking;

/// <summary>
/// The MLflow REST API as the Python client uses it, on a real server: request shapes (run_id and run_uuid, numbers as
/// strings, timestamps in ms), response shapes, semantics (forward-only states, immutable params, NaN/Infinity),
/// search grammar, ordering and paging, limits, errors and cross-project refusals. Run on SQLite and PostgreSQL.
/// </summary>
public abstract class MlflowApiTests
{
    private protected abstract PostgresServer? Postgres { get; }

    private static string Project() => $"p{Guid.NewGuid():N}"[..12];

    [Fact]
    public async Task Experiments_CreateGetSearchRenameDeleteRestore_AsTheClientDoes()
    {
        await using var server = await TrackingTestServer.StartAsync(Postgres);
        using var dev = await server.DeveloperOfAsync(Project());

        var id = await dev.CreateExperimentAsync("churn");
        var byName = (await dev.GetAsync("experiments/get-by-name?experiment_name=churn")).Ok().GetProperty("experiment");
        var byId = (await dev.GetAsync($"experiments/get?experiment_id={id}")).Ok().GetProperty("experiment");
        var duplicate = await dev.PostAsync("experiments/create", new { name = "churn" });
        (await dev.PostAsync("experiments/set-experiment-tag", new { experiment_id = id, key = "team", value = "risk" })).Ok();
        (await dev.PostAsync("experiments/update", new { experiment_id = id, new_name = "churn-v2" })).Ok();
        var searched = (await dev.PostAsync("experiments/search", new { max_results = 10, filter = "name LIKE 'churn%' AND tags.team = 'risk'" })).Ok();
        (await dev.PostAsync("experiments/delete", new { experiment_id = id })).Ok();
        var active = (await dev.GetAsync("experiments/search?max_results=10")).Ok();
        var deleted = (await dev.GetAsync("experiments/search?max_results=10&view_type=DELETED_ONLY")).Ok();
        (await dev.PostAsync("experiments/restore", new { experiment_id = id })).Ok();
        var restored = (await dev.GetAsync($"experiments/get?experiment_id={id}")).Ok().GetProperty("experiment");

        Assert.Equal(id, byName.GetProperty("experiment_id").GetString());
        Assert.Equal("churn", byId.GetProperty("name").GetString());
        Assert.Equal($"mlflow-artifacts:/{id}", byId.GetProperty("artifact_location").GetString());
        Assert.Equal("active", byId.GetProperty("lifecycle_stage").GetString());
        Assert.Equal(JsonValueKind.Number, byId.GetProperty("creation_time").ValueKind);
        duplicate.Error(HttpStatusCode.BadRequest, "RESOURCE_ALREADY_EXISTS");
        var found = Assert.Single(searched.GetProperty("experiments").EnumerateArray());
        Assert.Equal("churn-v2", found.GetProperty("name").GetString());
        Assert.Equal("risk", found.GetProperty("tags")[0].GetProperty("value").GetString());
        Assert.False(active.TryGetProperty("experiments", out _));
        Assert.Equal(id, Assert.Single(deleted.GetProperty("experiments").EnumerateArray()).GetProperty("experiment_id").GetString());
        Assert.Equal("active", restored.GetProperty("lifecycle_stage").GetString());
    }

    [Fact]
    public async Task CreateExperiment_CallerWithSeveralProjects_ChoosesByNamePrefixOrExplains()
    {
        await using var server = await TrackingTestServer.StartAsync(Postgres);
        var (a, b) = (Project(), Project());
        using var dev = await server.DeveloperOfAsync(a, b);
        using var admin = server.Admin();

        var prefixed = await dev.PostAsync("experiments/create", new { name = $"{b}/churn" });
        var unprefixed = await dev.PostAsync("experiments/create", new { name = "churn" });
        var adminPrefixed = await admin.PostAsync("experiments/create", new { name = $"{a}/by-admin" });
        var otherProject = await dev.PostAsync("experiments/create", new { name = "nosuchproject/x" });

        prefixed.Ok();
        var message = unprefixed.Error(HttpStatusCode.BadRequest, "INVALID_PARAMETER_VALUE");
        Assert.Contains("<project>/<experiment>", message, StringComparison.Ordinal);
        Assert.Contains(a, message, StringComparison.Ordinal);
        adminPrefixed.Ok();
        otherProject.Error(HttpStatusCode.BadRequest, "INVALID_PARAMETER_VALUE");
    }

    [Fact]
    public async Task Run_LoggedAsThePythonClientSendsIt_ReadsBackInMlflowShape()
    {
        await using var server = await TrackingTestServer.StartAsync(Postgres);
        using var dev = await server.DeveloperOfAsync(Project());
        var experiment = await dev.CreateExperimentAsync("shapes");

        // Numbers as strings, the deprecated run_uuid, tags at creation: all as mlflow's RestStore sends them.
        var created = (await dev.PostRawAsync("runs/create",
            $$"""{"experiment_id": "{{experiment}}", "user_id": "alice", "start_time": "1700000000000", "tags": [{"key": "mlflow.user", "value": "alice"}], "run_name": "baseline"}""")).Ok();
        var runId = created.GetProperty("run").GetProperty("info").GetProperty("run_id").GetString()!;
        (await dev.PostRawAsync("runs/log-parameter", $$"""{"run_uuid": "{{runId}}", "key": "lr", "value": "0.01"}""")).Ok();
        (await dev.PostRawAsync("runs/log-metric", $$"""{"run_id": "{{runId}}", "run_uuid": "{{runId}}", "key": "acc", "value": "0.5", "timestamp": "1700000000100", "step": "1"}""")).Ok();
        (await dev.PostRawAsync("runs/log-metric", $$"""{"run_id": "{{runId}}", "key": "acc", "value": 0.75, "timestamp": 1700000000200, "step": 2}""")).Ok();
        (await dev.PostRawAsync("runs/log-metric", $$"""{"run_id": "{{runId}}", "key": "acc", "value": 0.1, "timestamp": 1700000000300, "step": 0}""")).Ok();
        (await dev.PostAsync("runs/set-tag", new { run_id = runId, key = "stage", value = "dev" })).Ok();
        (await dev.PostAsync("runs/set-tag", new { run_id = runId, key = "gone", value = "x" })).Ok();
        (await dev.PostAsync("runs/delete-tag", new { run_id = runId, key = "gone" })).Ok();
        var finished = (await dev.PostRawAsync("runs/update", $$"""{"run_id": "{{runId}}", "run_uuid": "{{runId}}", "status": "FINISHED", "end_time": "1700000001000"}""")).Ok();
        var back = await dev.PostAsync("runs/update", new { run_id = runId, status = "RUNNING" });
        var run = (await dev.GetAsync($"runs/get?run_id={runId}")).Ok().GetProperty("run");

        var info = run.GetProperty("info");
        Assert.Matches("^[0-9a-f]{32}$", runId);
        Assert.Equal(runId, info.GetProperty("run_uuid").GetString());
        Assert.Equal(experiment, info.GetProperty("experiment_id").GetString());
        Assert.Equal("baseline", info.GetProperty("run_name").GetString());
        Assert.Equal("alice", info.GetProperty("user_id").GetString());
        Assert.Equal("FINISHED", info.GetProperty("status").GetString());
        Assert.Equal(1700000000000, info.GetProperty("start_time").GetInt64());
        Assert.Equal(1700000001000, info.GetProperty("end_time").GetInt64());
        Assert.Equal($"mlflow-artifacts:/{experiment}/{runId}/artifacts", info.GetProperty("artifact_uri").GetString());
        Assert.Equal("active", info.GetProperty("lifecycle_stage").GetString());
        Assert.Equal("FINISHED", finished.GetProperty("run_info").GetProperty("status").GetString());
        back.Error(HttpStatusCode.BadRequest, "INVALID_PARAMETER_VALUE");

        var data = run.GetProperty("data");
        var metric = Assert.Single(data.GetProperty("metrics").EnumerateArray());
        Assert.Equal(("acc", 0.75, 1700000000200, 2), (metric.GetProperty("key").GetString(), metric.GetProperty("value").GetDouble(), metric.GetProperty("timestamp").GetInt64(), metric.GetProperty("step").GetInt64()));
        Assert.Equal("0.01", Assert.Single(data.GetProperty("params").EnumerateArray()).GetProperty("value").GetString());
        var tags = data.GetProperty("tags").EnumerateArray().ToDictionary(t => t.GetProperty("key").GetString()!, t => t.GetProperty("value").GetString());
        Assert.Equal("dev", tags["stage"]);
        Assert.Equal("baseline", tags["mlflow.runName"]);
        Assert.False(tags.ContainsKey("gone"));
    }

    [Fact]
    public async Task LogParam_SameValueAgain_IsAcceptedDifferentValue_IsRefused()
    {
        await using var server = await TrackingTestServer.StartAsync(Postgres);
        using var dev = await server.DeveloperOfAsync(Project());
        var runId = await dev.CreateRunAsync(await dev.CreateExperimentAsync("params"));

        (await dev.PostAsync("runs/log-parameter", new { run_id = runId, key = "lr", value = "0.01" })).Ok();
        var again = await dev.PostAsync("runs/log-parameter", new { run_id = runId, key = "lr", value = "0.01" });
        var changed = await dev.PostAsync("runs/log-parameter", new { run_id = runId, key = "lr", value = "0.02" });
        var changedInBatch = await dev.PostAsync("runs/log-batch", new { run_id = runId, @params = new[] { new { key = "lr", value = "0.03" } }, metrics = new[] { new { key = "m", value = 1.0, timestamp = 1, step = 0 } } });
        var run = (await dev.GetAsync($"runs/get?run_id={runId}")).Ok().GetProperty("run").GetProperty("data");

        again.Ok();
        Assert.Contains("Changing param values is not allowed", changed.Error(HttpStatusCode.BadRequest, "INVALID_PARAMETER_VALUE"), StringComparison.Ordinal);
        changedInBatch.Error(HttpStatusCode.BadRequest, "INVALID_PARAMETER_VALUE");
        Assert.Equal("0.01", Assert.Single(run.GetProperty("params").EnumerateArray()).GetProperty("value").GetString());
        Assert.False(run.TryGetProperty("metrics", out _), "a refused batch logs nothing");
    }

    [Fact]
    public async Task Metrics_NaNAndInfinity_RoundTripAsMlflowEncodesThem()
    {
        await using var server = await TrackingTestServer.StartAsync(Postgres);
        using var dev = await server.DeveloperOfAsync(Project());
        var runId = await dev.CreateRunAsync(await dev.CreateExperimentAsync("nan"));

        (await dev.PostRawAsync("runs/log-batch", $$"""
            {"run_id": "{{runId}}", "metrics": [
              {"key": "nan", "value": "NaN", "timestamp": 1, "step": 0},
              {"key": "pinf", "value": "Infinity", "timestamp": 1, "step": 0},
              {"key": "ninf", "value": "-Infinity", "timestamp": 1, "step": 0},
              {"key": "big", "value": 1.7976931348623157e308, "timestamp": 1, "step": 0},
              {"key": "nan", "value": 3.5, "timestamp": 2, "step": 1},
              {"key": "nan", "value": "NaN", "timestamp": 3, "step": 2}]}
            """)).Ok();
        var metrics = (await dev.GetAsync($"runs/get?run_id={runId}")).Ok().GetProperty("run").GetProperty("data").GetProperty("metrics")
            .EnumerateArray().ToDictionary(m => m.GetProperty("key").GetString()!, m => m.GetProperty("value"));
        var history = (await dev.GetAsync($"metrics/get-history?run_id={runId}&metric_key=nan")).Ok().GetProperty("metrics").EnumerateArray().ToList();

        Assert.Equal("NaN", metrics["nan"].GetString());
        Assert.Equal("Infinity", metrics["pinf"].GetString());
        Assert.Equal("-Infinity", metrics["ninf"].GetString());
        Assert.Equal(double.MaxValue, metrics["big"].GetDouble());
        Assert.Equal(["NaN", "3.5", "NaN"], history.Select(m => m.GetProperty("value").ValueKind == JsonValueKind.String ? m.GetProperty("value").GetString() : m.GetProperty("value").GetRawText()));
    }

    [Fact]
    public async Task LogBatch_OverMlflowLimits_IsInvalidParameterValue()
    {
        await using var server = await TrackingTestServer.StartAsync(Postgres);
        using var dev = await server.DeveloperOfAsync(Project());
        var runId = await dev.CreateRunAsync(await dev.CreateExperimentAsync("limits"));
        object Metrics(int n) => Enumerable.Range(0, n).Select(i => new { key = "loss", value = i * 0.5, timestamp = 1700000000000 + i, step = i }).ToArray();
        object Pairs(int n) => Enumerable.Range(0, n).Select(i => new { key = $"k{i}", value = "v" }).ToArray();

        var full = await dev.PostAsync("runs/log-batch", new { run_id = runId, metrics = Metrics(1000) });
        var tooManyMetrics = await dev.PostAsync("runs/log-batch", new { run_id = runId, metrics = Metrics(1001) });
        var tooManyParams = await dev.PostAsync("runs/log-batch", new { run_id = runId, @params = Pairs(101) });
        var tooManyTags = await dev.PostAsync("runs/log-batch", new { run_id = runId, tags = Pairs(101) });
        var tooManyItems = await dev.PostAsync("runs/log-batch", new { run_id = runId, metrics = Metrics(950), @params = Pairs(100) });
        var badKey = await dev.PostAsync("runs/log-batch", new { run_id = runId, tags = new[] { new { key = "../escape", value = "v" } } });
        var badValue = await dev.PostAsync("runs/log-batch", new { run_id = runId, metrics = new[] { new { key = "m", value = "high", timestamp = 1, step = 0 } } });
        var history = (await dev.GetAsync($"metrics/get-history?run_id={runId}&metric_key=loss")).Ok();

        full.Ok();
        foreach (var refused in new[] { tooManyMetrics, tooManyParams, tooManyTags, tooManyItems, badKey, badValue })
        {
            refused.Error(HttpStatusCode.BadRequest, "INVALID_PARAMETER_VALUE");
        }

        Assert.Equal(1000, history.GetProperty("metrics").GetArrayLength());
    }

    [Fact]
    public async Task SearchRuns_FilterOrderAndPaging_ReturnEveryMatchOnceInOrder()
    {
        await using var server = await TrackingTestServer.StartAsync(Postgres);
        using var dev = await server.DeveloperOfAsync(Project());
        var experiment = await dev.CreateExperimentAsync("search");
        var accuracies = new[] { 0.95, 0.5, 0.99, 0.91, 0.3, 0.97, 0.92 };
        var runs = new List<string>();
        for (var i = 0; i < accuracies.Length; i++)
        {
            var runId = await dev.CreateRunAsync(experiment, $"run-{i}", 1_700_000_000_000 + i);
            runs.Add(runId);
            (await dev.PostAsync("runs/log-batch", new
            {
                run_id = runId,
                metrics = new[] { new { key = "acc", value = accuracies[i], timestamp = 1L, step = 0L } },
                @params = new[] { new { key = "lr", value = i % 2 == 0 ? "0.01" : "0.1" } },
                tags = new[] { new { key = "team", value = i < 4 ? "Risk" : "growth" } },
            })).Ok();
        }

        // A run without the metric, one deleted: neither may appear in the filtered search.
        var bare = await dev.CreateRunAsync(experiment, "bare", 1_700_000_000_100);
        (await dev.PostAsync("runs/delete", new { run_id = runs[2] })).Ok();

        var pages = new List<string>();
        string? token = null;
        var requests = 0;
        do
        {
            var page = (await dev.PostAsync("runs/search", new
            {
                experiment_ids = new[] { experiment },
                filter = "metrics.acc > 0.9 and params.lr = '0.01'",
                order_by = new[] { "metrics.acc DESC" },
                max_results = 1,
                page_token = token,
            })).Ok();
            requests++;
            pages.AddRange(page.TryGetProperty("runs", out var found) ? found.EnumerateArray().Select(r => r.GetProperty("info").GetProperty("run_name").GetString()!) : []);
            token = page.TryGetProperty("next_page_token", out var next) ? next.GetString() : null;
        }
        while (token is not null && requests < 20);

        var all = (await dev.PostAsync("runs/search", new { experiment_ids = new[] { experiment }, run_view_type = "ALL", order_by = new[] { "attributes.start_time" } })).Ok();
        var deletedOnly = (await dev.PostAsync("runs/search", new { experiment_ids = new[] { experiment }, run_view_type = "DELETED_ONLY" })).Ok();
        var byParam = (await dev.PostAsync("runs/search", new { experiment_ids = new[] { experiment }, order_by = new[] { "params.lr DESC", "metrics.acc" }, max_results = 3 })).Ok();
        var like = (await dev.PostAsync("runs/search", new { experiment_ids = new[] { experiment }, filter = "tags.team LIKE 'risk%'" })).Ok();
        var ilike = (await dev.PostAsync("runs/search", new { experiment_ids = new[] { experiment }, filter = "tags.team ILIKE 'risk%' AND attributes.status IN ('RUNNING')" })).Ok();
        var byId = (await dev.PostAsync("runs/search", new { experiment_ids = new[] { experiment }, filter = $"attributes.run_id = '{bare}'" })).Ok();
        var byMetricAscending = (await dev.PostAsync("runs/search", new { experiment_ids = new[] { experiment }, order_by = new[] { "metrics.acc ASC" } })).Ok();

        Assert.Equal(["run-0", "run-6"], pages);
        Assert.Equal(2, requests);
        Assert.Equal(8, all.GetProperty("runs").GetArrayLength());
        Assert.Equal("run-0", all.GetProperty("runs")[0].GetProperty("info").GetProperty("run_name").GetString());
        Assert.Equal(runs[2], Assert.Single(deletedOnly.GetProperty("runs").EnumerateArray()).GetProperty("info").GetProperty("run_id").GetString());
        Assert.Equal(["run-1", "run-3", "run-5"], byParam.GetProperty("runs").EnumerateArray().Select(r => r.GetProperty("info").GetProperty("run_name").GetString()));
        Assert.True(byParam.TryGetProperty("next_page_token", out _));
        Assert.False(like.TryGetProperty("runs", out _), "LIKE is case-sensitive");
        Assert.Equal(3, ilike.GetProperty("runs").GetArrayLength());
        Assert.Equal(bare, Assert.Single(byId.GetProperty("runs").EnumerateArray()).GetProperty("info").GetProperty("run_id").GetString());
        var ascending = byMetricAscending.GetProperty("runs").EnumerateArray().Select(r => r.GetProperty("info").GetProperty("run_name").GetString()).ToList();
        Assert.Equal(["run-4", "run-1", "run-3", "run-6", "run-0", "run-5", "bare"], ascending);
    }

    [Fact]
    public async Task SearchRuns_InjectionAndMalformedInput_AreRefusedAndChangeNothing()
    {
        await using var server = await TrackingTestServer.StartAsync(Postgres);
        using var dev = await server.DeveloperOfAsync(Project());
        var experiment = await dev.CreateExperimentAsync("hostile");
        var runId = await dev.CreateRunAsync(experiment);
        (await dev.PostAsync("runs/log-parameter", new { run_id = runId, key = "lr", value = "1" })).Ok();

        var injected = await dev.PostAsync("runs/search", new { experiment_ids = new[] { experiment }, filter = "params.lr = '1' OR 1=1" });
        var statement = await dev.PostAsync("runs/search", new { experiment_ids = new[] { experiment }, filter = "params.lr = '1'; DROP TABLE tracking_runs" });
        var quoted = (await dev.PostAsync("runs/search", new { experiment_ids = new[] { experiment }, filter = "params.lr = '1'' OR ''1''=''1'" })).Ok();
        var orderInjected = await dev.PostAsync("runs/search", new { experiment_ids = new[] { experiment }, order_by = new[] { "start_time; DELETE FROM tracking_runs" } });
        var badToken = await dev.PostAsync("runs/search", new { experiment_ids = new[] { experiment }, page_token = "not-a-token!" });
        var tooMany = await dev.PostAsync("runs/search", new { experiment_ids = new[] { experiment }, max_results = 50001 });
        var negative = await dev.PostAsync("runs/search", new { experiment_ids = new[] { experiment }, max_results = -1 });
        var malformedJson = await dev.PostRawAsync("runs/search", "{\"experiment_ids\": [");
        var notAnObject = await dev.PostRawAsync("runs/search", "[1,2]");
        var still = (await dev.PostAsync("runs/search", new { experiment_ids = new[] { experiment } })).Ok();

        injected.Error(HttpStatusCode.BadRequest, "INVALID_PARAMETER_VALUE");
        statement.Error(HttpStatusCode.BadRequest, "INVALID_PARAMETER_VALUE");
        Assert.False(quoted.TryGetProperty("runs", out _));
        orderInjected.Error(HttpStatusCode.BadRequest, "INVALID_PARAMETER_VALUE");
        badToken.Error(HttpStatusCode.BadRequest, "INVALID_PARAMETER_VALUE");
        tooMany.Error(HttpStatusCode.BadRequest, "INVALID_PARAMETER_VALUE");
        negative.Error(HttpStatusCode.BadRequest, "INVALID_PARAMETER_VALUE");
        malformedJson.Error(HttpStatusCode.BadRequest, "BAD_REQUEST");
        notAnObject.Error(HttpStatusCode.BadRequest, "INVALID_PARAMETER_VALUE");
        Assert.Equal(runId, Assert.Single(still.GetProperty("runs").EnumerateArray()).GetProperty("info").GetProperty("run_id").GetString());
    }

    [Fact]
    public async Task OtherProjectsRun_TokenOfProjectA_IsPermissionDeniedAndUnlisted()
    {
        await using var server = await TrackingTestServer.StartAsync(Postgres);
        var (a, b) = (Project(), Project());
        using var alice = await server.DeveloperOfAsync(a);
        using var bob = await server.DeveloperOfAsync(b);
        var bobsExperiment = await bob.CreateExperimentAsync("secret");
        var bobsRun = await bob.CreateRunAsync(bobsExperiment);
        await alice.CreateExperimentAsync("mine");

        var get = await alice.GetAsync($"runs/get?run_id={bobsRun}");
        var log = await alice.PostAsync("runs/log-metric", new { run_id = bobsRun, key = "x", value = 1, timestamp = 1, step = 0 });
        var logByUuid = await alice.PostAsync("runs/log-batch", new { run_uuid = bobsRun, tags = new[] { new { key = "x", value = "y" } } });
        var delete = await alice.PostAsync("runs/delete", new { run_id = bobsRun });
        var history = await alice.GetAsync($"metrics/get-history?run_id={bobsRun}&metric_key=x");
        var experiment = await alice.GetAsync($"experiments/get?experiment_id={bobsExperiment}");
        var createRun = await alice.PostAsync("runs/create", new { experiment_id = bobsExperiment });
        var deleteExperiment = await alice.PostAsync("experiments/delete", new { experiment_id = bobsExperiment });
        var search = await alice.PostAsync("runs/search", new { experiment_ids = new[] { bobsExperiment } });
        var byName = await alice.GetAsync("experiments/get-by-name?experiment_name=secret");
        var listed = (await alice.GetAsync("experiments/search")).Ok();
        var anonymous = await server.Anonymous().GetAsync($"runs/get?run_id={bobsRun}");
        var missing = await alice.GetAsync($"runs/get?run_id={new string('0', 32)}");

        foreach (var refused in new[] { get, log, logByUuid, delete, history, experiment, createRun, deleteExperiment, search })
        {
            refused.Error(HttpStatusCode.Forbidden, "PERMISSION_DENIED");
        }

        byName.Error(HttpStatusCode.NotFound, "RESOURCE_DOES_NOT_EXIST");
        Assert.Equal(["mine"], listed.GetProperty("experiments").EnumerateArray().Select(e => e.GetProperty("name").GetString()));
        anonymous.Error(HttpStatusCode.Unauthorized, "UNAUTHENTICATED");
        missing.Error(HttpStatusCode.NotFound, "RESOURCE_DOES_NOT_EXIST");
        var stillActive = (await bob.GetAsync($"runs/get?run_id={bobsRun}")).Ok().GetProperty("run");
        Assert.Equal("active", stillActive.GetProperty("info").GetProperty("lifecycle_stage").GetString());
        Assert.False(stillActive.GetProperty("data").TryGetProperty("metrics", out _));
    }

    [Fact]
    public async Task DefaultExperiment_IdZeroWithATokenOfOneProject_IsCreatedOnFirstUse()
    {
        await using var server = await TrackingTestServer.StartAsync(Postgres);
        using var dev = await server.DeveloperOfAsync(Project());
        using var admin = server.Admin();

        var run = (await dev.PostAsync("runs/create", new { experiment_id = "0", start_time = 1 })).Ok().GetProperty("run").GetProperty("info");
        var again = (await dev.PostAsync("runs/create", new { experiment_id = "0", start_time = 2 })).Ok().GetProperty("run").GetProperty("info");
        var experiment = (await dev.GetAsync("experiments/get?experiment_id=0")).Ok().GetProperty("experiment");
        var byAdmin = await admin.PostAsync("runs/create", new { experiment_id = "0" });
        using var reader = await server.DeveloperOfAsync(Project());
        await using (var scope = server.Services.CreateAsyncScope())
        {
            // Narrow the reader's (newest) token to tracking:read: a reader must not create the Default experiment.
            var db = scope.ServiceProvider.GetRequiredService<WharfDbContext>();
            var newest = await db.AccessTokens.MaxAsync(t => t.Id);
            await db.AccessTokenGrants.Where(g => g.TokenId == newest).ExecuteUpdateAsync(s => s.SetProperty(g => g.Scopes, Scope.TrackingRead));
        }

        var readDefault = await reader.GetAsync("experiments/get?experiment_id=0");
        var searchDefault = (await reader.PostAsync("runs/search", new { experiment_ids = new[] { "0" } })).Ok();

        Assert.NotEqual("0", run.GetProperty("experiment_id").GetString());
        Assert.Equal(run.GetProperty("experiment_id").GetString(), again.GetProperty("experiment_id").GetString());
        Assert.Equal("Default", experiment.GetProperty("name").GetString());
        Assert.Equal(run.GetProperty("experiment_id").GetString(), experiment.GetProperty("experiment_id").GetString());
        byAdmin.Error(HttpStatusCode.BadRequest, "INVALID_PARAMETER_VALUE");
        readDefault.Error(HttpStatusCode.NotFound, "RESOURCE_DOES_NOT_EXIST");
        Assert.False(searchDefault.TryGetProperty("runs", out _));
    }

    [Fact]
    public async Task MetricHistory_PagedByMaxResults_ReturnsEveryPointOnceInStepOrder()
    {
        await using var server = await TrackingTestServer.StartAsync(Postgres);
        using var dev = await server.DeveloperOfAsync(Project());
        var runId = await dev.CreateRunAsync(await dev.CreateExperimentAsync("history"));
        // Logged out of order, with two points at one step.
        var points = Enumerable.Range(0, 25).Reverse().Select(i => new { key = "loss", value = 1.0 / (i + 1), timestamp = 1000L + i, step = (long)i }).Append(new { key = "loss", value = 9.0, timestamp = 999L, step = 3L }).ToArray();
        (await dev.PostAsync("runs/log-batch", new { run_id = runId, metrics = points })).Ok();

        var steps = new List<long>();
        string? token = null;
        var pages = 0;
        do
        {
            var query = $"metrics/get-history?run_id={runId}&metric_key=loss&max_results=10" + (token is null ? "" : $"&page_token={Uri.EscapeDataString(token)}");
            var page = (await dev.GetAsync(query)).Ok();
            pages++;
            steps.AddRange(page.GetProperty("metrics").EnumerateArray().Select(m => m.GetProperty("step").GetInt64()));
            token = page.TryGetProperty("next_page_token", out var next) ? next.GetString() : null;
        }
        while (token is not null && pages < 10);
        var tooMany = await dev.GetAsync($"metrics/get-history?run_id={runId}&metric_key=loss&max_results=1000000");
        var latest = (await dev.GetAsync($"runs/get?run_id={runId}")).Ok().GetProperty("run").GetProperty("data").GetProperty("metrics")[0];

        Assert.Equal(3, pages);
        Assert.Equal(26, steps.Count);
        Assert.Equal(steps.Order(), steps);
        tooMany.Error(HttpStatusCode.BadRequest, "INVALID_PARAMETER_VALUE");
        Assert.Equal(24, latest.GetProperty("step").GetInt64());
    }

    [Fact]
    public async Task LogBatch_16ConcurrentWritersOnOneRun_KeepEveryPointAndTheTrueLatest()
    {
        await using var server = await TrackingTestServer.StartAsync(Postgres);
        using var dev = await server.DeveloperOfAsync(Project());
        var runId = await dev.CreateRunAsync(await dev.CreateExperimentAsync("concurrent"));

        // Each writer logs 50 steps of two keys (in opposite key order to its neighbour) and the same param value.
        var responses = await Task.WhenAll(Enumerable.Range(0, 16).Select(w =>
        {
            var keys = w % 2 == 0 ? new[] { "a", "b" } : new[] { "b", "a" };
            var metrics = keys.SelectMany(k => Enumerable.Range(0, 50).Select(i => new { key = k, value = (double)(w * 50 + i), timestamp = 1000L, step = (long)(w * 50 + i) })).ToArray();
            return dev.PostAsync("runs/log-batch", new { run_id = runId, metrics, @params = new[] { new { key = "seed", value = "42" } }, tags = new[] { new { key = "writer", value = $"{w}" } } });
        }));
        var data = (await dev.GetAsync($"runs/get?run_id={runId}")).Ok().GetProperty("run").GetProperty("data");
        var history = (await dev.GetAsync($"metrics/get-history?run_id={runId}&metric_key=a")).Ok().GetProperty("metrics");

        Assert.All(responses, r => r.Ok());
        Assert.Equal(800, history.GetArrayLength());
        Assert.All(data.GetProperty("metrics").EnumerateArray(), m => Assert.Equal(799, m.GetProperty("step").GetInt64()));
        Assert.Equal("42", Assert.Single(data.GetProperty("params").EnumerateArray()).GetProperty("value").GetString());
    }

    [Fact]
    public async Task DeletedRunsAndExperiments_AreHiddenFromSearchAndRefuseLogging()
    {
        await using var server = await TrackingTestServer.StartAsync(Postgres);
        using var dev = await server.DeveloperOfAsync(Project());
        var experiment = await dev.CreateExperimentAsync("lifecycle");
        var (kept, deleted) = (await dev.CreateRunAsync(experiment, "kept"), await dev.CreateRunAsync(experiment, "deleted"));

        (await dev.PostAsync("runs/delete", new { run_id = deleted })).Ok();
        var logToDeleted = await dev.PostAsync("runs/log-metric", new { run_id = deleted, key = "x", value = 1, timestamp = 1, step = 0 });
        var active = (await dev.PostAsync("runs/search", new { experiment_ids = new[] { experiment } })).Ok();
        (await dev.PostAsync("experiments/delete", new { experiment_id = experiment })).Ok();
        var runOfDeletedExperiment = (await dev.GetAsync($"runs/get?run_id={kept}")).Ok().GetProperty("run").GetProperty("info");
        var createInDeleted = await dev.PostAsync("runs/create", new { experiment_id = experiment });
        var renameDeleted = await dev.PostAsync("experiments/update", new { experiment_id = experiment, new_name = "other" });
        (await dev.PostAsync("experiments/restore", new { experiment_id = experiment })).Ok();
        var afterRestore = (await dev.PostAsync("runs/search", new { experiment_ids = new[] { experiment }, run_view_type = "ACTIVE_ONLY" })).Ok();

        logToDeleted.Error(HttpStatusCode.BadRequest, "INVALID_PARAMETER_VALUE");
        Assert.Equal(kept, Assert.Single(active.GetProperty("runs").EnumerateArray()).GetProperty("info").GetProperty("run_id").GetString());
        Assert.Equal("deleted", runOfDeletedExperiment.GetProperty("lifecycle_stage").GetString());
        createInDeleted.Error(HttpStatusCode.BadRequest, "INVALID_PARAMETER_VALUE");
        renameDeleted.Error(HttpStatusCode.BadRequest, "INVALID_PARAMETER_VALUE");
        Assert.Equal(2, afterRestore.GetProperty("runs").GetArrayLength());
    }

    [Fact]
    public async Task ExperimentNames_UniquePerProject_SameNameInTwoProjectsResolvedByPrefix()
    {
        await using var server = await TrackingTestServer.StartAsync(Postgres);
        var (a, b) = (Project(), Project());
        using var inA = await server.DeveloperOfAsync(a);
        using var inB = await server.DeveloperOfAsync(b);
        using var both = await server.DeveloperOfAsync(a, b);

        var idA = await inA.CreateExperimentAsync("shared");
        var idB = await inB.CreateExperimentAsync("shared");
        var prefixedInA = await inA.CreateExperimentAsync($"{b}/named-like-b");
        var ambiguous = await both.GetAsync("experiments/get-by-name?experiment_name=shared");
        var fromA = (await inA.GetAsync("experiments/get-by-name?experiment_name=shared")).Ok();
        var prefixed = (await both.GetAsync($"experiments/get-by-name?experiment_name={Uri.EscapeDataString($"{b}/named-like-b")}")).Ok();

        Assert.NotEqual(idA, idB);
        Assert.Contains("several projects", ambiguous.Error(HttpStatusCode.BadRequest, "INVALID_PARAMETER_VALUE"), StringComparison.Ordinal);
        Assert.Equal(idA, fromA.GetProperty("experiment").GetProperty("experiment_id").GetString());
        Assert.Equal(prefixedInA, prefixed.GetProperty("experiment").GetProperty("experiment_id").GetString());
    }

    [Fact]
    public async Task ErrorEnvelope_EverywhereUnderTheMlflowRoutes()
    {
        await using var server = await TrackingTestServer.StartAsync(Postgres);
        using var dev = await server.DeveloperOfAsync(Project());
        var experiment = await dev.CreateExperimentAsync("errors");

        var unknownEndpoint = await dev.PostAsync("runs/no-such-thing", new { });
        var missingField = await dev.PostAsync("runs/log-metric", new { key = "x", value = 1 });
        var missingRun = await dev.PostAsync("runs/log-metric", new { run_id = "nope", key = "x", value = 1, timestamp = 1 });
        var missingExperiment = await dev.GetAsync("experiments/get?experiment_id=999999");
        var badStatus = await dev.PostAsync("runs/update", new { run_id = await dev.CreateRunAsync(experiment), status = "DONE" });
        var ajax = await dev.PostRawAsync("experiments/search", "{}", "/ajax-api/2.0/mlflow/");
        var ajaxMalformed = await dev.PostRawAsync("runs/create", "{nope", "/ajax-api/2.0/mlflow/");

        unknownEndpoint.Error(HttpStatusCode.NotFound, "ENDPOINT_NOT_FOUND");
        missingField.Error(HttpStatusCode.BadRequest, "INVALID_PARAMETER_VALUE");
        missingRun.Error(HttpStatusCode.NotFound, "RESOURCE_DOES_NOT_EXIST");
        missingExperiment.Error(HttpStatusCode.NotFound, "RESOURCE_DOES_NOT_EXIST");
        badStatus.Error(HttpStatusCode.BadRequest, "INVALID_PARAMETER_VALUE");
        Assert.Equal("errors", Assert.Single(ajax.Ok().GetProperty("experiments").EnumerateArray()).GetProperty("name").GetString());
        ajaxMalformed.Error(HttpStatusCode.BadRequest, "BAD_REQUEST");
    }
}
