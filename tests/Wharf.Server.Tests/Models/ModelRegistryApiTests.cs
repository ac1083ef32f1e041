using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Wharf.Server.Data;
using Wharf.Server.Tests.Infrastructure;
using Wharf.Server.Tests.Tracking;

namespace Wharf.Server.Tests.Models;

/// <summary>
/// The model registry as the MLflow Python client drives it (register_model, aliases, search, delete), and the OCI
/// side: versions are manifests in the registry with one tar layer per run artifact file. Run on SQLite and PostgreSQL.
/// </summary>
public abstract class ModelRegistryApiTests
{
    private protected abstract PostgresServer? Postgres { get; }

    private const string Proxy = "/api/2.0/mlflow-artifacts/artifacts";

    private static string Project() => $"p{Guid.NewGuid():N}"[..12];

    private static async Task<(string Experiment, string Run)> RunWithFilesAsync(MlflowTestClient dev, params (string Path, byte[] Content)[] files)
    {
        var experiment = await dev.CreateExperimentAsync($"exp-{Guid.NewGuid():N}"[..12]);
        var run = await dev.CreateRunAsync(experiment);
        foreach (var (path, content) in files)
        {
            using var body = new ByteArrayContent(content);
            using var response = await dev.Http.PutAsync($"{Proxy}/{experiment}/{run}/artifacts/{path}", body);
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        }

        return (experiment, run);
    }

    private static async Task<MlflowResponse> DeleteAsync(MlflowTestClient client, string path, object body)
    {
        using var request = new HttpRequestMessage(HttpMethod.Delete, MlflowTestClient.Prefix + path) { Content = JsonContent.Create(body) };
        using var response = await client.Http.SendAsync(request);
        return await MlflowResponse.ReadAsync(response);
    }

    [Fact]
    public async Task RegisterModel_AsThePythonClientDoes_VersionIsAnOciArtifactAndAliasMovesItsTag()
    {
        await using var server = await TrackingTestServer.StartAsync(Postgres);
        var project = Project();
        using var dev = await server.DeveloperOfAsync(project);
        var (experiment, run) = await RunWithFilesAsync(dev, ("model/MLmodel", "flavors: {}"u8.ToArray()), ("model/data/weights.bin", [1, 2, 3]));

        (await dev.PostAsync("registered-models/create", new { name = "churn" })).Ok();
        var again = await dev.PostAsync("registered-models/create", new { name = "churn" });
        var v1 = (await dev.PostAsync("model-versions/create", new { name = "churn", source = $"mlflow-artifacts:/{experiment}/{run}/artifacts/model", run_id = run })).Ok().GetProperty("model_version");
        var v2 = (await dev.PostAsync("model-versions/create", new { name = "churn", source = $"runs:/{run}/model", run_id = run })).Ok().GetProperty("model_version");
        var polled = (await dev.GetAsync("model-versions/get?name=churn&version=1")).Ok().GetProperty("model_version");
        // A developer lacks models:promote; the administrator (of every project) names the model '<project>/<name>'.
        using var admin = server.Admin();
        (await dev.PostAsync("registered-models/alias", new { name = "churn", alias = "production", version = "1" })).Error(HttpStatusCode.Forbidden, "PERMISSION_DENIED");
        (await admin.PostAsync("registered-models/alias", new { name = $"{project}/churn", alias = "production", version = "1" })).Ok();
        (await admin.PostAsync("registered-models/alias", new { name = $"{project}/churn", alias = "production", version = "2" })).Ok();
        var byAlias = (await dev.GetAsync("registered-models/alias?name=churn&alias=production")).Ok().GetProperty("model_version");
        var latest = (await dev.PostAsync("registered-models/get-latest-versions", new { name = "churn" })).Ok();
        var searched = (await dev.GetAsync("registered-models/search?filter=name%20LIKE%20%27ch%25%27")).Ok();
        var versions = (await dev.GetAsync($"model-versions/search?filter=run_id%3D%27{run}%27")).Ok();

        again.Error(HttpStatusCode.BadRequest, "RESOURCE_ALREADY_EXISTS");
        Assert.Equal("1", v1.GetProperty("version").GetString());
        Assert.Equal("READY", v1.GetProperty("status").GetString());
        Assert.Equal("2", v2.GetProperty("version").GetString());
        Assert.Equal("churn", polled.GetProperty("name").GetString());
        Assert.Equal(run, polled.GetProperty("run_id").GetString());
        Assert.Equal("2", byAlias.GetProperty("version").GetString());
        Assert.Equal("production", byAlias.GetProperty("aliases")[0].GetString());
        Assert.Equal("2", Assert.Single(latest.GetProperty("model_versions").EnumerateArray()).GetProperty("version").GetString());
        Assert.Equal("churn", Assert.Single(searched.GetProperty("registered_models").EnumerateArray()).GetProperty("name").GetString());
        Assert.Equal(2, versions.GetProperty("model_versions").GetArrayLength());

        using var registry = server.Admin().Http;
        using var get = new HttpRequestMessage(HttpMethod.Get, $"/v2/{project}/models/churn/manifests/v1");
        get.Headers.Accept.ParseAdd("application/vnd.oci.image.manifest.v1+json");
        using var response = await registry.SendAsync(get);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var manifest = JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement;
        Assert.Equal("application/vnd.wharf.model.v1", manifest.GetProperty("artifactType").GetString());
        await using var scope = server.Services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<WharfDbContext>();
        var artifacts = await db.RunArtifacts.Where(a => a.RunUuid == run).OrderBy(a => a.Path).ToListAsync();
        var layers = manifest.GetProperty("layers").EnumerateArray().ToList();
        // Each layer is a tar holding its file (so the model image reuses it); the raw file's digest is an annotation.
        Assert.Equal(artifacts.Select(a => a.Digest), layers.Select(l => l.GetProperty("annotations").GetProperty("vnd.wharf.model.file.digest").GetString()));
        Assert.All(layers, l => Assert.Equal("application/vnd.oci.image.layer.v1.tar", l.GetProperty("mediaType").GetString()));
        Assert.Equal(["MLmodel", "data/weights.bin"], layers.Select(l => l.GetProperty("annotations").GetProperty("org.opencontainers.image.title").GetString()));
        var v2Digest = await db.ModelVersions.Where(v => v.Version == 2 && v.RunId == run).Select(v => v.ManifestDigest).SingleAsync();
        using var head = new HttpRequestMessage(HttpMethod.Head, $"/v2/{project}/models/churn/manifests/production");
        head.Headers.Accept.ParseAdd("application/vnd.oci.image.manifest.v1+json");
        using var aliasResponse = await registry.SendAsync(head);
        Assert.Equal(v2Digest, aliasResponse.Headers.GetValues("Docker-Content-Digest").Single());
        var events = await db.OutboxEvents.Select(e => e.Type).ToListAsync();
        Assert.Equal(2, events.Count(e => e == "models.version-created"));
        Assert.Equal(2, events.Count(e => e == "models.version-ready"));
        Assert.Equal(2, events.Count(e => e == "models.alias-set"));
    }

    [Theory]
    [InlineData("file:///etc/passwd")]
    [InlineData("http://169.254.169.254/latest/meta-data")]
    [InlineData("runs:/{run}/../other")]
    [InlineData("runs:/{run}//etc/passwd")]
    [InlineData("runs:/{run}/missing")]
    public async Task CreateVersion_HostileSource_RefusedAndNothingStored(string source)
    {
        await using var server = await TrackingTestServer.StartAsync(Postgres);
        using var dev = await server.DeveloperOfAsync(Project());
        var (_, run) = await RunWithFilesAsync(dev, ("model/model.bin", [1]));
        (await dev.PostAsync("registered-models/create", new { name = "m" })).Ok();

        var response = await dev.PostAsync("model-versions/create", new { name = "m", source = source.Replace("{run}", run, StringComparison.Ordinal) });

        response.Error(HttpStatusCode.BadRequest, "INVALID_PARAMETER_VALUE");
        await using var scope = server.Services.CreateAsyncScope();
        Assert.False(await scope.ServiceProvider.GetRequiredService<WharfDbContext>().ModelVersions.AnyAsync());
    }

    [Fact]
    public async Task CreateVersion_RunOfAnotherProject_Refused()
    {
        await using var server = await TrackingTestServer.StartAsync(Postgres);
        using var owner = await server.DeveloperOfAsync(Project());
        using var dev = await server.DeveloperOfAsync(Project());
        var (_, run) = await RunWithFilesAsync(owner, ("model/model.bin", [1]));
        (await dev.PostAsync("registered-models/create", new { name = "m" })).Ok();

        var response = await dev.PostAsync("model-versions/create", new { name = "m", source = $"runs:/{run}/model" });

        response.Error(HttpStatusCode.NotFound, "RESOURCE_DOES_NOT_EXIST");
    }

    [Theory]
    [InlineData("a/b")]
    [InlineData("a:b")]
    [InlineData("v1")]
    [InlineData("latest")]
    [InlineData("-x")]
    public async Task SetAlias_HostileName_Refused(string alias)
    {
        await using var server = await TrackingTestServer.StartAsync(Postgres);
        var project = Project();
        using var dev = await server.DeveloperOfAsync(project);
        var (_, run) = await RunWithFilesAsync(dev, ("model/model.bin", [1]));
        (await dev.PostAsync("registered-models/create", new { name = "m" })).Ok();
        (await dev.PostAsync("model-versions/create", new { name = "m", source = $"runs:/{run}/model" })).Ok();

        using var admin = server.Admin();
        var response = await admin.PostAsync("registered-models/alias", new { name = $"{project}/m", alias, version = "1" });

        response.Error(HttpStatusCode.BadRequest, "INVALID_PARAMETER_VALUE");
    }

    [Fact]
    public async Task CreateModel_NameNotAnOciComponent_Refused()
    {
        await using var server = await TrackingTestServer.StartAsync(Postgres);
        using var dev = await server.DeveloperOfAsync(Project());

        var message = (await dev.PostAsync("registered-models/create", new { name = "My Model" })).Error(HttpStatusCode.BadRequest, "INVALID_PARAMETER_VALUE");

        Assert.Contains("OCI", message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task CorruptOnnx_FailedRegistrationWithReason()
    {
        await using var server = await TrackingTestServer.StartAsync(Postgres);
        using var dev = await server.DeveloperOfAsync(Project());
        var (_, run) = await RunWithFilesAsync(dev, ("model/model.onnx", "not a protobuf at all"u8.ToArray()));
        (await dev.PostAsync("registered-models/create", new { name = "m" })).Ok();

        var version = (await dev.PostAsync("model-versions/create", new { name = "m", source = $"runs:/{run}/model" })).Ok().GetProperty("model_version");

        Assert.Equal("FAILED_REGISTRATION", version.GetProperty("status").GetString());
        Assert.Contains("model.onnx", version.GetProperty("status_message").GetString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task ConcurrentAliasMoves_AliasRowAndTagAgree()
    {
        await using var server = await TrackingTestServer.StartAsync(Postgres);
        var project = Project();
        using var dev = await server.DeveloperOfAsync(project);
        var (_, run) = await RunWithFilesAsync(dev, ("model/model.bin", [1]));
        (await dev.PostAsync("registered-models/create", new { name = "m" })).Ok();
        for (var i = 0; i < 10; i++)
        {
            (await dev.PostAsync("model-versions/create", new { name = "m", source = $"runs:/{run}/model" })).Ok();
        }

        using var admin = server.Admin();
        var responses = await Task.WhenAll(Enumerable.Range(1, 10).Select(v => admin.PostAsync("registered-models/alias", new { name = $"{project}/m", alias = "prod", version = v.ToString(System.Globalization.CultureInfo.InvariantCulture) })));

        Assert.All(responses, r => r.Ok());
        await using var scope = server.Services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<WharfDbContext>();
        var version = await db.ModelAliases.Where(a => a.Alias == "prod").Select(a => a.Version).SingleAsync();
        var expected = await db.ModelVersions.Where(v => v.Version == version).Select(v => v.ManifestDigest).SingleAsync();
        var tagged = await (from t in db.RegistryTags join m in db.RegistryManifests on t.ManifestId equals m.Id where t.Name == "prod" select m.Digest).SingleAsync();
        Assert.Equal(expected, tagged);
    }

    [Fact]
    public async Task DeleteVersionAndModel_RemovesManifestsAndWritesEvents()
    {
        await using var server = await TrackingTestServer.StartAsync(Postgres);
        var project = Project();
        using var dev = await server.DeveloperOfAsync(project);
        var (_, run) = await RunWithFilesAsync(dev, ("model/model.bin", [1]));
        (await dev.PostAsync("registered-models/create", new { name = "m" })).Ok();
        (await dev.PostAsync("model-versions/create", new { name = "m", source = $"runs:/{run}/model" })).Ok();
        (await dev.PostAsync("model-versions/create", new { name = "m", source = $"runs:/{run}/model" })).Ok();
        using var admin = server.Admin();
        (await admin.PostAsync("registered-models/alias", new { name = $"{project}/m", alias = "prod", version = "1" })).Ok();

        (await DeleteAsync(dev, "model-versions/delete", new { name = "m", version = "1" })).Ok();
        var gone = await dev.GetAsync("model-versions/get?name=m&version=1");
        (await DeleteAsync(dev, "registered-models/delete", new { name = "m" })).Ok();
        var modelGone = await dev.GetAsync("registered-models/get?name=m");

        gone.Error(HttpStatusCode.NotFound, "RESOURCE_DOES_NOT_EXIST");
        modelGone.Error(HttpStatusCode.NotFound, "RESOURCE_DOES_NOT_EXIST");
        await using var scope = server.Services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<WharfDbContext>();
        Assert.False(await db.RegistryRepositories.AnyAsync(r => r.Name == $"{project}/models/m"));
        var events = await db.OutboxEvents.Select(e => e.Type).ToListAsync();
        Assert.Contains("models.version-deleted", events);
        Assert.Contains("models.model-deleted", events);
    }
}
