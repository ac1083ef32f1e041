using System.Net;
using System.Text;
using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Wharf.Server.Data;
using Wharf.Server.Storage;
using Wharf.Server.Tests.Infrastructure;

namespace Wharf.Server.Tests.Tracking;

/// <summary>
/// The MLflow artifact proxy and artifacts/list with the requests the Python client's HttpArtifactRepository sends
/// (PUT the file body, GET to download, GET /artifacts?path= to list, DELETE), on a real server with the filesystem
/// blob store: content-addressed storage, hostile paths, cross-project refusals and interrupted uploads. Run on
/// SQLite and PostgreSQL.
/// </summary>
public abstract class ArtifactApiTests
{
    private const string Proxy = "/api/2.0/mlflow-artifacts/artifacts";

    private protected abstract PostgresServer? Postgres { get; }

    private static string Project() => $"p{Guid.NewGuid():N}"[..12];

    [Fact]
    public async Task Artifacts_UploadDownloadListDelete_AsThePythonClientDoes()
    {
        await using var server = await TrackingTestServer.StartAsync(Postgres);
        using var dev = await server.DeveloperOfAsync(Project());
        var experiment = await dev.CreateExperimentAsync("artifacts");
        var run = await dev.CreateRunAsync(experiment);
        var root = $"{experiment}/{run}/artifacts";

        var mlmodel = "artifact_path: model\nflavors: {}\n"u8.ToArray();
        var metrics = """{"acc": 0.9}"""u8.ToArray();
        Assert.Equal(HttpStatusCode.OK, (await PutAsync(dev.Http, $"{root}/model/MLmodel", mlmodel)).Status);
        Assert.Equal(HttpStatusCode.OK, (await PutAsync(dev.Http, $"{root}/metrics.json", metrics)).Status);
        Assert.Equal(HttpStatusCode.OK, (await PutAsync(dev.Http, $"{root}/model/data/weights.bin", new byte[] { 1, 2, 3 })).Status);
        var rootListing = await ListAsync(dev.Http, root);
        var modelListing = await ListAsync(dev.Http, $"{root}/model");
        using var download = await dev.Http.GetAsync($"{Proxy}/{root}/metrics.json");
        var downloaded = await download.Content.ReadAsByteArrayAsync();
        var runList = (await dev.GetAsync($"artifacts/list?run_id={run}&path=model")).Ok();
        var runRoot = (await dev.GetAsync($"artifacts/list?run_uuid={run}")).Ok();

        // A retried upload of the same path replaces the file; deleting a directory removes what is under it.
        Assert.Equal(HttpStatusCode.OK, (await PutAsync(dev.Http, $"{root}/metrics.json", """{"acc": 0.95}"""u8.ToArray())).Status);
        var replaced = await ListAsync(dev.Http, root);
        using var deleted = await dev.Http.DeleteAsync($"{Proxy}/{root}/model");
        var afterDelete = await ListAsync(dev.Http, root);
        using var gone = await dev.Http.GetAsync($"{Proxy}/{root}/model/MLmodel");

        Assert.Equal(
            [("metrics.json", false, (long?)metrics.Length), ("model", true, null)],
            Files(rootListing));
        Assert.Equal([("MLmodel", false, (long?)mlmodel.Length), ("data", true, null)], Files(modelListing));
        Assert.Equal(HttpStatusCode.OK, download.StatusCode);
        Assert.Equal(metrics, downloaded);
        Assert.Equal("application/json", download.Content.Headers.ContentType?.MediaType);
        Assert.Equal(metrics.Length, download.Content.Headers.ContentLength);
        Assert.Equal("nosniff", download.Headers.GetValues("X-Content-Type-Options").Single());
        Assert.Equal($"mlflow-artifacts:/{experiment}/{run}/artifacts", runList.GetProperty("root_uri").GetString());
        Assert.Equal([("model/MLmodel", false, (long?)mlmodel.Length), ("model/data", true, null)], Files(runList));
        Assert.Equal([("metrics.json", false, (long?)metrics.Length), ("model", true, null)], Files(runRoot));
        Assert.Equal(("metrics.json", false, (long?)13), Files(replaced)[0]);
        Assert.Equal(HttpStatusCode.OK, deleted.StatusCode);
        Assert.Equal([("metrics.json", false, (long?)13)], Files(afterDelete));
        Assert.Equal(HttpStatusCode.NotFound, gone.StatusCode);
        Assert.Equal("RESOURCE_DOES_NOT_EXIST", JsonDocument.Parse(await gone.Content.ReadAsStringAsync()).RootElement.GetProperty("error_code").GetString());
    }

    [Fact]
    public async Task Artifacts_IdenticalFiles_AreStoredOnceUnderOneDigest()
    {
        await using var server = await TrackingTestServer.StartAsync(Postgres);
        using var dev = await server.DeveloperOfAsync(Project());
        var experiment = await dev.CreateExperimentAsync("dedup");
        var (runA, runB) = (await dev.CreateRunAsync(experiment), await dev.CreateRunAsync(experiment));
        var content = Encoding.UTF8.GetBytes($"weights {Guid.NewGuid()}");
        var before = await UsageAsync(server);

        (await PutAsync(dev.Http, $"{experiment}/{runA}/artifacts/model.bin", content)).Ok();
        (await PutAsync(dev.Http, $"{experiment}/{runA}/artifacts/copy/model.bin", content)).Ok();
        (await PutAsync(dev.Http, $"{experiment}/{runB}/artifacts/model.bin", content)).Ok();
        var after = await UsageAsync(server);
        var rows = await ArtifactRowsAsync(server);

        Assert.Equal(3, rows.Count);
        var digest = Assert.Single(rows.Select(r => r.Digest).Distinct());
        Assert.Equal("sha256:" + Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(content)), digest);
        Assert.Equal(before.Count + 1, after.Count);
        Assert.Equal(before.TotalBytes + content.Length, after.TotalBytes);
    }

    public static TheoryData<string> HostileSuffixes => new()
    {
        "../../../x",
        "a/../../b",
        "%2e%2e/%2e%2e/x",
        "%2E%2E%2F%2E%2E%2Fx",
        "%252e%252e/%252e%252e/x",
        "a%252f..%252f..%252fb",
        "a%5cb",
        "..%5c..%5cx",
        "a%00b",
        "a//b",
        "a/",
        "./a",
        "%2fetc/passwd",
        new string('a', 1100),
    };

    [Theory]
    [MemberData(nameof(HostileSuffixes))]
    public async Task Upload_HostilePath_IsInvalidParameterValueAndStoresNothing(string suffix)
    {
        await using var server = await TrackingTestServer.StartAsync(Postgres);
        using var dev = await server.DeveloperOfAsync(Project());
        var experiment = await dev.CreateExperimentAsync("hostile");
        var run = await dev.CreateRunAsync(experiment);
        var before = await UsageAsync(server);

        var upload = await server.SendRawAsync(dev, "PUT", $"{Proxy}/{experiment}/{run}/artifacts/{suffix}", "evil"u8.ToArray());
        var download = await server.SendRawAsync(dev, "GET", $"{Proxy}/{experiment}/{run}/artifacts/{suffix}");
        var listing = await server.SendRawAsync(dev, "GET", $"{Proxy}?path={experiment}/{run}/artifacts/{suffix}");
        var runList = await server.SendRawAsync(dev, "GET", $"/api/2.0/mlflow/artifacts/list?run_id={run}&path={suffix}");

        upload.Error(HttpStatusCode.BadRequest, "INVALID_PARAMETER_VALUE");
        download.Error(HttpStatusCode.BadRequest, "INVALID_PARAMETER_VALUE");
        listing.Error(HttpStatusCode.BadRequest, "INVALID_PARAMETER_VALUE");
        runList.Error(HttpStatusCode.BadRequest, "INVALID_PARAMETER_VALUE");
        Assert.Empty(await ArtifactRowsAsync(server));
        Assert.Equal(before, await UsageAsync(server));
    }

    [Fact]
    public async Task Upload_AbsoluteProxyPath_IsInvalidParameterValue()
    {
        await using var server = await TrackingTestServer.StartAsync(Postgres);
        using var dev = await server.DeveloperOfAsync(Project());

        var absolute = await server.SendRawAsync(dev, "PUT", $"{Proxy}//etc/passwd", "evil"u8.ToArray());
        var listing = await server.SendRawAsync(dev, "GET", $"{Proxy}?path=/etc");

        absolute.Error(HttpStatusCode.BadRequest, "INVALID_PARAMETER_VALUE");
        listing.Error(HttpStatusCode.BadRequest, "INVALID_PARAMETER_VALUE");
        Assert.Empty(await ArtifactRowsAsync(server));
    }

    [Fact]
    public async Task Artifacts_OfAnotherProjectsRun_ArePermissionDenied_AndAWrongExperimentIsNotFound()
    {
        await using var server = await TrackingTestServer.StartAsync(Postgres);
        using var owner = await server.DeveloperOfAsync(Project());
        using var stranger = await server.DeveloperOfAsync(Project());
        var experiment = await owner.CreateExperimentAsync("private");
        var otherExperiment = await owner.CreateExperimentAsync("other");
        var run = await owner.CreateRunAsync(experiment);
        var root = $"{experiment}/{run}/artifacts";
        (await PutAsync(owner.Http, $"{root}/secret.txt", "secret"u8.ToArray())).Ok();

        var put = await PutAsync(stranger.Http, $"{root}/planted.txt", "x"u8.ToArray());
        var get = await server.SendRawAsync(stranger, "GET", $"{Proxy}/{root}/secret.txt");
        var list = await server.SendRawAsync(stranger, "GET", $"{Proxy}?path={root}");
        var delete = await server.SendRawAsync(stranger, "DELETE", $"{Proxy}/{root}/secret.txt");
        var runList = await stranger.GetAsync($"artifacts/list?run_id={run}");
        var wrongExperiment = await server.SendRawAsync(owner, "GET", $"{Proxy}/{otherExperiment}/{run}/artifacts/secret.txt");
        var noRun = await PutAsync(owner.Http, $"{experiment}/{new string('0', 32)}/artifacts/x.txt", "x"u8.ToArray());

        put.Error(HttpStatusCode.Forbidden, "PERMISSION_DENIED");
        get.Error(HttpStatusCode.Forbidden, "PERMISSION_DENIED");
        list.Error(HttpStatusCode.Forbidden, "PERMISSION_DENIED");
        delete.Error(HttpStatusCode.Forbidden, "PERMISSION_DENIED");
        runList.Error(HttpStatusCode.Forbidden, "PERMISSION_DENIED");
        wrongExperiment.Error(HttpStatusCode.NotFound, "RESOURCE_DOES_NOT_EXIST");
        noRun.Error(HttpStatusCode.NotFound, "RESOURCE_DOES_NOT_EXIST");
        Assert.Equal(["secret.txt"], (await ArtifactRowsAsync(server)).Select(r => r.Path));
    }

    [Fact]
    public async Task Upload_InterruptedMidBody_LeavesNoListingEntry_AndARetrySucceeds()
    {
        await using var server = await TrackingTestServer.StartAsync(Postgres);
        using var dev = await server.DeveloperOfAsync(Project());
        var experiment = await dev.CreateExperimentAsync("interrupted");
        var run = await dev.CreateRunAsync(experiment);
        var path = $"{experiment}/{run}/artifacts/model.bin";
        var content = new byte[256 * 1024];
        Random.Shared.NextBytes(content);
        var before = await UsageAsync(server);

        using (var request = new HttpRequestMessage(HttpMethod.Put, $"{Proxy}/{path}") { Content = new AbortingContent(content, content.Length / 2) })
        {
            await Assert.ThrowsAnyAsync<Exception>(() => dev.Http.SendAsync(request));
        }

        var listing = await ListAsync(dev.Http, $"{experiment}/{run}/artifacts");
        var afterAbort = await UsageAsync(server);
        (await PutAsync(dev.Http, path, content)).Ok();
        var retried = await ListAsync(dev.Http, $"{experiment}/{run}/artifacts");
        var downloaded = await dev.Http.GetByteArrayAsync($"{Proxy}/{path}");

        Assert.Empty(Files(listing));
        Assert.Equal(content.Length, Assert.Single(await ArtifactRowsAsync(server)).Size);
        Assert.Equal(before, afterAbort);
        Assert.Equal([("model.bin", false, (long?)content.Length)], Files(retried));
        Assert.Equal(content, downloaded);
    }

    [Fact]
    public async Task Upload_ToDeletedRun_IsRefused_AndAFileCannotReplaceADirectory()
    {
        await using var server = await TrackingTestServer.StartAsync(Postgres);
        using var dev = await server.DeveloperOfAsync(Project());
        var experiment = await dev.CreateExperimentAsync("deleted");
        var run = await dev.CreateRunAsync(experiment);
        (await PutAsync(dev.Http, $"{experiment}/{run}/artifacts/dir/a.txt", "a"u8.ToArray())).Ok();

        var overDirectory = await PutAsync(dev.Http, $"{experiment}/{run}/artifacts/dir", "b"u8.ToArray());
        var belowFile = await PutAsync(dev.Http, $"{experiment}/{run}/artifacts/dir/a.txt/b.txt", "b"u8.ToArray());
        (await dev.PostAsync("runs/delete", new { run_id = run })).Ok();
        var toDeleted = await PutAsync(dev.Http, $"{experiment}/{run}/artifacts/late.txt", "c"u8.ToArray());

        overDirectory.Error(HttpStatusCode.BadRequest, "INVALID_PARAMETER_VALUE");
        belowFile.Error(HttpStatusCode.BadRequest, "INVALID_PARAMETER_VALUE");
        toDeleted.Error(HttpStatusCode.BadRequest, "INVALID_PARAMETER_VALUE");
        Assert.Equal(["dir/a.txt"], (await ArtifactRowsAsync(server)).Select(r => r.Path));
    }

    [Fact]
    public async Task RegistryGarbageCollection_KeepsBytesArtifactsRecord_AndSweepsBytesOfDeletedArtifacts()
    {
        await using var server = await TrackingTestServer.StartAsync(
            Postgres, new Dictionary<string, string?> { ["Wharf:Registry:GarbageCollectionGracePeriod"] = "00:00:00" });
        using var dev = await server.DeveloperOfAsync(Project());
        var experiment = await dev.CreateExperimentAsync("gc");
        var run = await dev.CreateRunAsync(experiment);
        var kept = Encoding.UTF8.GetBytes($"kept {Guid.NewGuid()}");
        (await PutAsync(dev.Http, $"{experiment}/{run}/artifacts/kept.bin", kept)).Ok();
        (await PutAsync(dev.Http, $"{experiment}/{run}/artifacts/dropped.bin", Encoding.UTF8.GetBytes($"dropped {Guid.NewGuid()}"))).Ok();
        using (await dev.Http.DeleteAsync($"{Proxy}/{experiment}/{run}/artifacts/dropped.bin"))
        {
        }

        var before = await UsageAsync(server);
        await Task.Delay(50); // the sweep only takes bytes written before its start
        await server.Services.GetRequiredService<Wharf.Server.Registry.RegistryGarbageCollector>().CollectAsync();
        var after = await UsageAsync(server);
        var downloaded = await dev.Http.GetByteArrayAsync($"{Proxy}/{experiment}/{run}/artifacts/kept.bin");

        Assert.Equal(before.Count - 1, after.Count);
        Assert.Equal(kept, downloaded);
    }

    [Fact]
    public async Task LogInputs_AsThePythonClientSendsThem_AreReturnedByRunsGet()
    {
        await using var server = await TrackingTestServer.StartAsync(Postgres);
        using var dev = await server.DeveloperOfAsync(Project());
        var experiment = await dev.CreateExperimentAsync("inputs");
        var run = await dev.CreateRunAsync(experiment);
        var schema = """{"mlflow_colspec": [{"type": "double", "name": "x"}]}""";

        (await dev.PostAsync("runs/log-inputs", new
        {
            run_id = run,
            datasets = new object[]
            {
                new
                {
                    tags = new[] { new { key = "mlflow.data.context", value = "training" } },
                    dataset = new { name = "iris", digest = "a1b2c3d4", source_type = "local", source = """{"uri": "/data/iris.csv"}""", schema, profile = """{"num_rows": 150}""" },
                },
                new { dataset = new { name = "eval", digest = "e5f6", source_type = "http", source = """{"url": "https://x"}""" } },
            },
        })).Ok();
        // The same dataset again: one input, its tags replaced.
        (await dev.PostAsync("runs/log-inputs", new
        {
            run_id = run,
            datasets = new[] { new { tags = new[] { new { key = "mlflow.data.context", value = "validation" } }, dataset = new { name = "iris", digest = "a1b2c3d4", source_type = "local", source = """{"uri": "/data/iris.csv"}""" } } },
        })).Ok();
        var missingDigest = await dev.PostAsync("runs/log-inputs", new { run_id = run, datasets = new[] { new { dataset = new { name = "x", source_type = "local", source = "{}" } } } });
        var inputs = (await dev.GetAsync($"runs/get?run_id={run}")).Ok().GetProperty("run").GetProperty("inputs").GetProperty("dataset_inputs");

        missingDigest.Error(HttpStatusCode.BadRequest, "INVALID_PARAMETER_VALUE");
        Assert.Equal(2, inputs.GetArrayLength());
        var iris = inputs[0];
        Assert.Equal("validation", Assert.Single(iris.GetProperty("tags").EnumerateArray()).GetProperty("value").GetString());
        var dataset = iris.GetProperty("dataset");
        Assert.Equal(("iris", "a1b2c3d4", "local", """{"uri": "/data/iris.csv"}"""),
            (dataset.GetProperty("name").GetString(), dataset.GetProperty("digest").GetString(), dataset.GetProperty("source_type").GetString(), dataset.GetProperty("source").GetString()));
        Assert.False(dataset.TryGetProperty("schema", out _));
        var eval = inputs[1];
        Assert.False(eval.TryGetProperty("tags", out _));
        Assert.Equal("e5f6", eval.GetProperty("dataset").GetProperty("digest").GetString());
    }

    [Fact]
    public async Task GetHistoryBulkInterval_SamplesStepsEvenlyAsMlflow_PerRunWithRunIds()
    {
        await using var server = await TrackingTestServer.StartAsync(Postgres);
        using var dev = await server.DeveloperOfAsync(Project());
        using var stranger = await server.DeveloperOfAsync(Project());
        var experiment = await dev.CreateExperimentAsync("bulk");
        var (runA, runB) = (await dev.CreateRunAsync(experiment), await dev.CreateRunAsync(experiment));
        foreach (var run in new[] { runA, runB })
        {
            var metrics = Enumerable.Range(0, 100).Select(step => new { key = "loss", value = 1.0 / (step + 1), timestamp = 1_700_000_000_000L + step, step });
            (await dev.PostAsync("runs/log-batch", new { run_id = run, metrics })).Ok();
        }

        var sampled = (await dev.GetAsync($"metrics/get-history-bulk-interval?run_ids={runA}&run_ids={runB}&metric_key=loss&max_results=10")).Ok();
        var window = (await dev.GetAsync($"metrics/get-history-bulk-interval?run_ids={runA}&metric_key=loss&start_step=5&end_step=7")).Ok();
        var halfWindow = await dev.GetAsync($"metrics/get-history-bulk-interval?run_ids={runA}&metric_key=loss&start_step=5");
        var denied = await stranger.GetAsync($"metrics/get-history-bulk-interval?run_ids={runA}&metric_key=loss");

        var points = sampled.GetProperty("metrics").EnumerateArray().ToList();
        var expectedRunOrder = new[] { runA, runB }.Order(StringComparer.Ordinal).ToList();
        Assert.Equal(20, points.Count);
        Assert.Equal(expectedRunOrder.SelectMany(id => Enumerable.Repeat(id, 10)), points.Select(p => p.GetProperty("run_id").GetString()));
        Assert.Equal(Enumerable.Range(0, 10).Select(i => i * 10L), points.Take(10).Select(p => p.GetProperty("step").GetInt64()));
        Assert.Equal([5L, 6, 7], window.GetProperty("metrics").EnumerateArray().Select(p => p.GetProperty("step").GetInt64()));
        halfWindow.Error(HttpStatusCode.BadRequest, "INVALID_PARAMETER_VALUE");
        denied.Error(HttpStatusCode.Forbidden, "PERMISSION_DENIED");
    }

    [Fact]
    public async Task PreviewPrefix_AndLogBatchOverOneMegabyte_AnswerAsMlflow()
    {
        await using var server = await TrackingTestServer.StartAsync(Postgres);
        using var dev = await server.DeveloperOfAsync(Project());
        var experiment = await dev.CreateExperimentAsync("preview");
        var run = await dev.CreateRunAsync(experiment);

        var previewCreate = await dev.PostRawAsync("runs/create", $$"""{"experiment_id": "{{experiment}}"}""", "/api/2.0/preview/mlflow/");
        using var previewGet = await dev.Http.GetAsync($"/api/2.0/preview/mlflow/runs/get?run_id={run}");
        var huge = await dev.PostRawAsync("runs/log-batch", $$"""{"run_id": "{{run}}", "metrics": []{{new string(' ', 1_000_001)}}}""");

        previewCreate.Ok();
        Assert.Equal(HttpStatusCode.OK, previewGet.StatusCode);
        Assert.Equal(run, JsonDocument.Parse(await previewGet.Content.ReadAsStringAsync()).RootElement.GetProperty("run").GetProperty("info").GetProperty("run_id").GetString());
        Assert.Contains("1000000 bytes", huge.Error(HttpStatusCode.BadRequest, "INVALID_PARAMETER_VALUE"), StringComparison.Ordinal);
    }

    private static async Task<MlflowResponse> PutAsync(HttpClient http, string path, byte[] content)
    {
        using var body = new ByteArrayContent(content);
        using var response = await http.PutAsync($"{Proxy}/{path}", body);
        return await MlflowResponse.ReadAsync(response);
    }

    private static async Task<JsonElement> ListAsync(HttpClient http, string path)
    {
        using var response = await http.GetAsync($"{Proxy}?path={Uri.EscapeDataString(path)}");
        return (await MlflowResponse.ReadAsync(response)).Ok();
    }

    private static List<(string Path, bool IsDir, long? Size)> Files(JsonElement listing) =>
        listing.TryGetProperty("files", out var files)
            ? [.. files.EnumerateArray().Select(f => (
                f.GetProperty("path").GetString()!,
                f.GetProperty("is_dir").GetBoolean(),
                f.TryGetProperty("file_size", out var size) ? size.GetInt64() : (long?)null))]
            : [];

    private static async Task<BlobStoreUsage> UsageAsync(TrackingTestServer server) =>
        await server.Services.GetRequiredService<IBlobStore>().GetUsageAsync();

    private static async Task<List<Wharf.Server.Tracking.RunArtifact>> ArtifactRowsAsync(TrackingTestServer server)
    {
        await using var scope = server.Services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<WharfDbContext>();
        return await db.RunArtifacts.AsNoTracking().OrderBy(a => a.Path).ToListAsync();
    }

    /// <summary>A body that declares its full length, sends <paramref name="sendBytes"/> of it, then fails: a client that went away mid-upload.</summary>
    private sealed class AbortingContent(byte[] content, int sendBytes) : HttpContent
    {
        protected override async Task SerializeToStreamAsync(Stream stream, System.Net.TransportContext? context)
        {
            await stream.WriteAsync(content.AsMemory(0, sendBytes));
            await stream.FlushAsync();
            throw new IOException("connection lost mid-upload (test)");
        }

        protected override bool TryComputeLength(out long length)
        {
            length = content.Length;
            return true;
        }
    }
}
