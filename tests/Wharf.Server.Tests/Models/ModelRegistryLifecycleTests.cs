using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Wharf.Server.Auth;
using Wharf.Server.Data;
using Wharf.Server.Tests.Infrastructure;
using Wharf.Server.Tests.Tracking;

namespace Wharf.Server.Tests.Models;

/// <summary>
/// The MLflow model-registry routes beyond register-and-alias: a real ONNX signature, event payloads, download URIs,
/// rename, stages, tags and who may move an alias. Run on SQLite and PostgreSQL.
/// </summary>
public abstract class ModelRegistryLifecycleTests
{
    private protected abstract PostgresServer? Postgres { get; }

    private static async Task<(TrackingTestServer Server, string Project, MlflowTestClient Dev, string Run)> RegisteredAsync(PostgresServer? postgres, string model = "iris")
    {
        var server = await TrackingTestServer.StartAsync(postgres);
        var project = ModelTestFiles.Project();
        var dev = await server.DeveloperOfAsync(project);
        var (_, run) = await ModelTestFiles.RunWithFilesAsync(dev, ("model/model.onnx", ModelTestFiles.IrisOnnx()), ("model/MLmodel", "flavors: {}"u8.ToArray()));
        (await dev.PostAsync("registered-models/create", new { name = model })).Ok();
        (await dev.PostAsync("model-versions/create", new { name = model, source = $"runs:/{run}/model" })).Ok();
        return (server, project, dev, run);
    }

    private static async Task<MlflowResponse> DeleteAsync(MlflowTestClient client, string path, object body)
    {
        using var request = new HttpRequestMessage(HttpMethod.Delete, MlflowTestClient.Prefix + path) { Content = JsonContent.Create(body) };
        using var response = await client.Http.SendAsync(request);
        return await MlflowResponse.ReadAsync(response);
    }

    [Fact]
    public async Task CreateVersion_ValidOnnx_SignatureHasSymbolicBatchInputAndBothOutputs()
    {
        var (server, _, dev, _) = await RegisteredAsync(Postgres);
        await using var _server = server;
        using var _dev = dev;

        var version = (await dev.GetAsync("model-versions/get?name=iris&version=1")).Ok().GetProperty("model_version");

        Assert.Equal("READY", version.GetProperty("status").GetString());
        await using var scope = server.Services.CreateAsyncScope();
        var row = await scope.ServiceProvider.GetRequiredService<WharfDbContext>().ModelVersions.SingleAsync();
        var onnx = Assert.Single(JsonDocument.Parse(row.Signature!).RootElement.GetProperty("onnx").EnumerateArray());
        Assert.Equal("model.onnx", onnx.GetProperty("path").GetString());
        var input = Assert.Single(onnx.GetProperty("inputs").EnumerateArray());
        Assert.Equal("input", input.GetProperty("name").GetString());
        Assert.Equal("float", input.GetProperty("element_type").GetString());
        Assert.Equal([-1L, 4L], input.GetProperty("shape").EnumerateArray().Select(d => d.GetInt64()));
        Assert.Equal("batch", input.GetProperty("symbolic_shape")[0].GetString());
        Assert.Equal(["probabilities", "label"], onnx.GetProperty("outputs").EnumerateArray().Select(o => o.GetProperty("name").GetString()));
    }

    [Fact]
    public async Task SetAlias_NewThenMoved_EventPayloadNamesProjectModelVersionAndPrevious()
    {
        var (server, project, dev, run) = await RegisteredAsync(Postgres);
        await using var _server = server;
        using var _dev = dev;
        (await dev.PostAsync("model-versions/create", new { name = "iris", source = $"runs:/{run}/model" })).Ok();
        using var maintainer = server.Anonymous();
        ModelTestFiles.Authorize(maintainer.Http, await ModelTestFiles.MemberTokenAsync(server.Services, project, ProjectRole.Maintainer));

        (await maintainer.PostAsync("registered-models/alias", new { name = "iris", alias = "production", version = "1" })).Ok();
        (await maintainer.PostAsync("registered-models/alias", new { name = "iris", alias = "production", version = "2" })).Ok();

        await using var scope = server.Services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<WharfDbContext>();
        var payloads = await db.OutboxEvents.Where(e => e.Type == "models.alias-set").OrderBy(e => e.Id).Select(e => e.Payload).ToListAsync();
        Assert.Equal(2, payloads.Count);
        var first = JsonDocument.Parse(payloads[0]).RootElement;
        var moved = JsonDocument.Parse(payloads[1]).RootElement;
        var v2Digest = await db.ModelVersions.Where(v => v.Version == 2).Select(v => v.ManifestDigest).SingleAsync();
        Assert.Equal(project, moved.GetProperty("project").GetString());
        Assert.Equal("iris", moved.GetProperty("model").GetString());
        Assert.Equal("production", moved.GetProperty("alias").GetString());
        Assert.Equal(2, moved.GetProperty("version").GetInt32());
        Assert.Equal(1, moved.GetProperty("previousVersion").GetInt32());
        Assert.Equal($"{project}/models/iris:production", moved.GetProperty("reference").GetString());
        Assert.Equal(v2Digest, moved.GetProperty("digest").GetString());
        Assert.Equal(JsonValueKind.Null, first.GetProperty("previousVersion").ValueKind);
    }

    [Fact]
    public async Task SetAlias_DeveloperRefused_MaintainerAllowed()
    {
        var (server, project, dev, _) = await RegisteredAsync(Postgres);
        await using var _server = server;
        using var _dev = dev;
        using var maintainer = server.Anonymous();
        ModelTestFiles.Authorize(maintainer.Http, await ModelTestFiles.MemberTokenAsync(server.Services, project, ProjectRole.Maintainer));

        var refused = await dev.PostAsync("registered-models/alias", new { name = "iris", alias = "staging", version = "1" });
        await using (var scope = server.Services.CreateAsyncScope())
        {
            Assert.False(await scope.ServiceProvider.GetRequiredService<WharfDbContext>().ModelAliases.AnyAsync());
        }

        var allowed = await maintainer.PostAsync("registered-models/alias", new { name = "iris", alias = "staging", version = "1" });

        refused.Error(HttpStatusCode.Forbidden, "PERMISSION_DENIED");
        allowed.Ok();
        var byAlias = (await dev.GetAsync("registered-models/alias?name=iris&alias=staging")).Ok().GetProperty("model_version");
        Assert.Equal("1", byAlias.GetProperty("version").GetString());
    }

    [Fact]
    public async Task GetDownloadUri_PointsAtTheRunsArtifactsThroughTheProxy()
    {
        var (server, _, dev, run) = await RegisteredAsync(Postgres);
        await using var _server = server;
        using var _dev = dev;
        var experiment = (await dev.GetAsync($"runs/get?run_id={run}")).Ok().GetProperty("run").GetProperty("info").GetProperty("experiment_id").GetString();

        var uri = (await dev.GetAsync("model-versions/get-download-uri?name=iris&version=1")).Ok().GetProperty("artifact_uri").GetString();
        var missing = await dev.GetAsync("model-versions/get-download-uri?name=iris&version=9");

        Assert.Equal($"mlflow-artifacts:/{experiment}/{run}/artifacts/model", uri);
        missing.Error(HttpStatusCode.NotFound, "RESOURCE_DOES_NOT_EXIST");
    }

    [Fact]
    public async Task Rename_RepositoryFollows_OldNameGone()
    {
        var (server, project, dev, _) = await RegisteredAsync(Postgres);
        await using var _server = server;
        using var _dev = dev;

        var renamed = (await dev.PostAsync("registered-models/rename", new { name = "iris", new_name = "flowers" })).Ok().GetProperty("registered_model");

        Assert.Equal("flowers", renamed.GetProperty("name").GetString());
        (await dev.GetAsync("registered-models/get?name=iris")).Error(HttpStatusCode.NotFound, "RESOURCE_DOES_NOT_EXIST");
        Assert.Equal("READY", (await dev.GetAsync("model-versions/get?name=flowers&version=1")).Ok().GetProperty("model_version").GetProperty("status").GetString());
        using var registry = server.Admin().Http;
        Assert.Equal(HttpStatusCode.OK, await ManifestStatusAsync(registry, $"{project}/models/flowers", "v1"));
        Assert.Equal(HttpStatusCode.NotFound, await ManifestStatusAsync(registry, $"{project}/models/iris", "v1"));
    }

    [Fact]
    public async Task TransitionStage_ArchiveExisting_MovesTheOtherVersionToArchived()
    {
        var (server, project, dev, run) = await RegisteredAsync(Postgres);
        await using var _server = server;
        using var _dev = dev;
        (await dev.PostAsync("model-versions/create", new { name = "iris", source = $"runs:/{run}/model" })).Ok();
        using var maintainer = server.Anonymous();
        ModelTestFiles.Authorize(maintainer.Http, await ModelTestFiles.MemberTokenAsync(server.Services, project, ProjectRole.Maintainer));

        (await maintainer.PostAsync("model-versions/transition-stage", new { name = "iris", version = "1", stage = "production" })).Ok();
        var second = (await maintainer.PostAsync("model-versions/transition-stage",
            new { name = "iris", version = "2", stage = "Production", archive_existing_versions = "true" })).Ok().GetProperty("model_version");
        var bad = await maintainer.PostAsync("model-versions/transition-stage", new { name = "iris", version = "2", stage = "Nowhere" });
        var devRefused = await dev.PostAsync("model-versions/transition-stage", new { name = "iris", version = "1", stage = "Staging" });

        Assert.Equal("Production", second.GetProperty("current_stage").GetString());
        Assert.Equal("Archived", (await dev.GetAsync("model-versions/get?name=iris&version=1")).Ok().GetProperty("model_version").GetProperty("current_stage").GetString());
        bad.Error(HttpStatusCode.BadRequest, "INVALID_PARAMETER_VALUE");
        devRefused.Error(HttpStatusCode.Forbidden, "PERMISSION_DENIED");
    }

    [Fact]
    public async Task Tags_SetReplaceAndDelete_OnModelAndVersion()
    {
        var (server, _, dev, _) = await RegisteredAsync(Postgres);
        await using var _server = server;
        using var _dev = dev;

        (await dev.PostAsync("registered-models/set-tag", new { name = "iris", key = "team", value = "a" })).Ok();
        (await dev.PostAsync("registered-models/set-tag", new { name = "iris", key = "team", value = "b" })).Ok();
        (await dev.PostAsync("model-versions/set-tag", new { name = "iris", version = "1", key = "validated", value = "yes" })).Ok();
        var model = (await dev.GetAsync("registered-models/get?name=iris")).Ok().GetProperty("registered_model");
        var version = (await dev.GetAsync("model-versions/get?name=iris&version=1")).Ok().GetProperty("model_version");
        (await DeleteAsync(dev, "registered-models/delete-tag", new { name = "iris", key = "team" })).Ok();
        (await DeleteAsync(dev, "model-versions/delete-tag", new { name = "iris", version = "1", key = "validated" })).Ok();
        var again = await DeleteAsync(dev, "registered-models/delete-tag", new { name = "iris", key = "team" });
        var afterModel = (await dev.GetAsync("registered-models/get?name=iris")).Ok().GetProperty("registered_model");
        var afterVersion = (await dev.GetAsync("model-versions/get?name=iris&version=1")).Ok().GetProperty("model_version");
        var badKey = await dev.PostAsync("registered-models/set-tag", new { name = "iris", key = "", value = "x" });

        var tag = Assert.Single(model.GetProperty("tags").EnumerateArray());
        Assert.Equal(("team", "b"), (tag.GetProperty("key").GetString(), tag.GetProperty("value").GetString()));
        Assert.Equal("validated", Assert.Single(version.GetProperty("tags").EnumerateArray()).GetProperty("key").GetString());
        again.Error(HttpStatusCode.NotFound, "RESOURCE_DOES_NOT_EXIST");
        Assert.False(afterModel.TryGetProperty("tags", out var left) && left.GetArrayLength() > 0);
        Assert.False(afterVersion.TryGetProperty("tags", out var leftVersion) && leftVersion.GetArrayLength() > 0);
        badKey.Error(HttpStatusCode.BadRequest, "INVALID_PARAMETER_VALUE");
    }

    private static async Task<HttpStatusCode> ManifestStatusAsync(HttpClient registry, string repository, string tag)
    {
        using var head = new HttpRequestMessage(HttpMethod.Head, $"/v2/{repository}/manifests/{tag}");
        head.Headers.Accept.ParseAdd("application/vnd.oci.image.manifest.v1+json");
        using var response = await registry.SendAsync(head);
        return response.StatusCode;
    }
}
