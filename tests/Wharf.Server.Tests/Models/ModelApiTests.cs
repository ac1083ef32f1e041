using System.Net;
using System.Net.Http.Json;
using System.Security.Cryptography;
using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Wharf.Client.Models;
using Wharf.Server.Auth;
using Wharf.Server.Data;
using Wharf.Server.Tests.Infrastructure;
using Wharf.Server.Tests.Tracking;

namespace Wharf.Server.Tests.Models;

/// <summary>
/// Wharf's own model API, <c>/api/v1/projects/{project}/models</c>: the same store as the MLflow routes, problem
/// details on errors, the project from the path. Run on SQLite and PostgreSQL.
/// </summary>
public abstract class ModelApiTests
{
    private protected abstract PostgresServer? Postgres { get; }

    private static readonly JsonSerializerOptions Web = new(JsonSerializerDefaults.Web);

    private static string Models(string project) => $"/api/v1/projects/{project}/models";

    private static async Task<T> ReadAsync<T>(HttpResponseMessage response, HttpStatusCode expected)
    {
        var body = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == expected, $"expected {expected}, got {response.StatusCode}: {body}");
        return JsonSerializer.Deserialize<T>(body, Web)!;
    }

    private static async Task<string> ProblemAsync(HttpResponseMessage response, HttpStatusCode expected)
    {
        var body = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == expected, $"expected {expected}, got {response.StatusCode}: {body}");
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        return JsonDocument.Parse(body).RootElement.GetProperty("detail").GetString()!;
    }

    [Fact]
    public async Task CreateRegisterShow_VersionHasFilesSignatureReferenceAndLineage()
    {
        await using var server = await TrackingTestServer.StartAsync(Postgres);
        var project = ModelTestFiles.Project();
        using var dev = await server.DeveloperOfAsync(project);
        var onnx = ModelTestFiles.IrisOnnx();
        var (experiment, run) = await ModelTestFiles.RunWithFilesAsync(dev, ("model/model.onnx", onnx), ("model/labels.txt", "a\nb\nc\n"u8.ToArray()));
        (await dev.PostAsync("runs/log-inputs", new
        {
            run_id = run,
            datasets = new[] { new { dataset = new { name = "iris", digest = "a1b2c3d4", source_type = "local", source = """{"uri": "/data/iris.csv"}""" } } },
        })).Ok();

        var created = await ReadAsync<ModelInfo>(await dev.Http.PostAsJsonAsync(Models(project), new { name = "iris", description = "flowers" }), HttpStatusCode.Created);
        var registered = await ReadAsync<ModelVersionInfo>(
            await dev.Http.PostAsJsonAsync($"{Models(project)}/iris/versions", new { source = $"{run}/model" }), HttpStatusCode.Created);
        var byV = await ReadAsync<ModelVersionInfo>(await dev.Http.GetAsync($"{Models(project)}/iris/versions/v1"), HttpStatusCode.OK);
        var shown = await ReadAsync<ModelInfo>(await dev.Http.GetAsync($"{Models(project)}/iris"), HttpStatusCode.OK);
        var listed = await ReadAsync<ModelPage>(await dev.Http.GetAsync(Models(project)), HttpStatusCode.OK);

        Assert.Equal($"{project}/models/iris", created.Repository);
        Assert.Empty(created.Versions);
        Assert.Equal(ModelVersionStatuses.Ready, registered.Status);
        Assert.Equal(1, registered.Version);
        Assert.Equal($"runs:/{run}/model", registered.Source);
        Assert.Equal(
            [("labels.txt", $"sha256:{Convert.ToHexStringLower(SHA256.HashData("a\nb\nc\n"u8))}", 6L), ("model.onnx", $"sha256:{Convert.ToHexStringLower(SHA256.HashData(onnx))}", (long)onnx.Length)],
            registered.Files.Select(f => (f.Path, f.Digest, f.Size)));
        Assert.EndsWith($"/{project}/models/iris:v1", registered.Reference);
        Assert.StartsWith("sha256:", registered.Digest);
        var input = registered.Signature!.Value.GetProperty("onnx")[0].GetProperty("inputs")[0];
        Assert.Equal("input", input.GetProperty("name").GetString());
        Assert.Equal(run, registered.Lineage.RunId);
        Assert.Equal(experiment, registered.Lineage.ExperimentId);
        Assert.NotNull(registered.Lineage.ExperimentName);
        Assert.Equal(("iris", "a1b2c3d4", "local"), Assert.Single(registered.Lineage.Datasets) is var d ? (d.Name, d.Digest, d.SourceType) : default);
        Assert.Equal(registered.Digest, byV.Digest);
        Assert.Equal(1, Assert.Single(shown.Versions).Version);
        Assert.Equal("flowers", shown.Description);
        var summary = Assert.Single(listed.Models);
        Assert.Equal(("iris", 1), (summary.Name, summary.LatestVersion));
        Assert.Null(listed.Next);
    }

    [Fact]
    public async Task Aliases_DeveloperRefusedMaintainerSetsMovesAndDeletes_RegistryTagFollows()
    {
        await using var server = await TrackingTestServer.StartAsync(Postgres);
        var project = ModelTestFiles.Project();
        using var dev = await server.DeveloperOfAsync(project);
        var (_, run) = await ModelTestFiles.RunWithFilesAsync(dev, ("m/weights.bin", [1, 2, 3]));
        (await dev.Http.PostAsJsonAsync(Models(project), new { name = "m" })).EnsureSuccessStatusCode();
        (await dev.Http.PostAsJsonAsync($"{Models(project)}/m/versions", new { source = $"{run}/m" })).EnsureSuccessStatusCode();
        (await dev.Http.PostAsJsonAsync($"{Models(project)}/m/versions", new { source = $"runs:/{run}/m" })).EnsureSuccessStatusCode();
        using var maintainer = server.Anonymous();
        ModelTestFiles.Authorize(maintainer.Http, await ModelTestFiles.MemberTokenAsync(server.Services, project, ProjectRole.Maintainer));

        var refused = await dev.Http.PutAsJsonAsync($"{Models(project)}/m/aliases/production", new { version = 1 });
        var set = await ReadAsync<ModelAliasInfo>(await maintainer.Http.PutAsJsonAsync($"{Models(project)}/m/aliases/production", new { version = 1 }), HttpStatusCode.OK);
        await ReadAsync<ModelAliasInfo>(await maintainer.Http.PutAsJsonAsync($"{Models(project)}/m/aliases/production", new { version = 2 }), HttpStatusCode.OK);
        var shown = await ReadAsync<ModelInfo>(await dev.Http.GetAsync($"{Models(project)}/m"), HttpStatusCode.OK);
        var tagDigest = await TagDigestAsync(server, $"{project}/models/m", "production");
        var v2 = await ReadAsync<ModelVersionInfo>(await dev.Http.GetAsync($"{Models(project)}/m/versions/2"), HttpStatusCode.OK);
        var deleted = await maintainer.Http.DeleteAsync($"{Models(project)}/m/aliases/production");
        var again = await maintainer.Http.DeleteAsync($"{Models(project)}/m/aliases/production");

        await ProblemAsync(refused, HttpStatusCode.Forbidden);
        Assert.Equal(new ModelAliasInfo("production", 1), set);
        Assert.Equal([new ModelAliasInfo("production", 2)], shown.Aliases);
        Assert.Equal(["production"], shown.Versions.Single(v => v.Version == 2).Aliases);
        Assert.Equal(v2.Digest, tagDigest);
        Assert.Equal(["production"], v2.Aliases);
        Assert.Equal(HttpStatusCode.NoContent, deleted.StatusCode);
        await ProblemAsync(again, HttpStatusCode.NotFound);
        Assert.Null(await TagDigestAsync(server, $"{project}/models/m", "production"));
    }

    [Theory]
    [InlineData("file:///etc/passwd")]
    [InlineData("http://169.254.169.254/latest/meta-data")]
    [InlineData("{run}/../other")]
    [InlineData("{run}//etc/passwd")]
    [InlineData("{run}/missing")]
    [InlineData("../{run}/m")]
    public async Task Register_HostileSource_ProblemDetailsAndNothingStored(string source)
    {
        await using var server = await TrackingTestServer.StartAsync(Postgres);
        var project = ModelTestFiles.Project();
        using var dev = await server.DeveloperOfAsync(project);
        var (_, run) = await ModelTestFiles.RunWithFilesAsync(dev, ("m/model.bin", [1]));
        (await dev.Http.PostAsJsonAsync(Models(project), new { name = "m" })).EnsureSuccessStatusCode();

        var response = await dev.Http.PostAsJsonAsync($"{Models(project)}/m/versions", new { source = source.Replace("{run}", run, StringComparison.Ordinal) });

        await ProblemAsync(response, HttpStatusCode.BadRequest);
        await using var scope = server.Services.CreateAsyncScope();
        Assert.False(await scope.ServiceProvider.GetRequiredService<WharfDbContext>().ModelVersions.AnyAsync());
    }

    [Fact]
    public async Task HostileNamesAndOtherProjects_ClearFourHundredsInProblemDetails()
    {
        await using var server = await TrackingTestServer.StartAsync(Postgres);
        var project = ModelTestFiles.Project();
        var other = ModelTestFiles.Project();
        using var dev = await server.DeveloperOfAsync(project);
        using var stranger = await server.DeveloperOfAsync(other);
        var (_, strangerRun) = await ModelTestFiles.RunWithFilesAsync(stranger, ("m/model.bin", [1]));
        (await dev.Http.PostAsJsonAsync(Models(project), new { name = "m" })).EnsureSuccessStatusCode();
        using var admin = server.Admin();

        var duplicate = await dev.Http.PostAsJsonAsync(Models(project), new { name = "m" });
        var badName = await dev.Http.PostAsJsonAsync(Models(project), new { name = "Bad/Name" });
        var qualified = await dev.Http.PostAsJsonAsync(Models(project), new { name = $"{other}/m" });
        var badVersion = await dev.Http.GetAsync($"{Models(project)}/m/versions/abc");
        var missingVersion = await dev.Http.GetAsync($"{Models(project)}/m/versions/7");
        var missingModel = await dev.Http.GetAsync($"{Models(project)}/nope");
        var otherProject = await dev.Http.GetAsync(Models(other));
        var otherRun = await dev.Http.PostAsJsonAsync($"{Models(project)}/m/versions", new { source = $"{strangerRun}/m" });
        var versionTagAlias = await admin.Http.PutAsJsonAsync($"{Models(project)}/m/aliases/v3", new { version = 1 });
        var colonAlias = await admin.Http.PutAsJsonAsync($"{Models(project)}/m/aliases/a:b", new { version = 1 });
        var latestAlias = await admin.Http.PutAsJsonAsync($"{Models(project)}/m/aliases/latest", new { version = 1 });
        var noSuchVersion = await admin.Http.PutAsJsonAsync($"{Models(project)}/m/aliases/prod", new { version = 1 });
        var hugePage = await dev.Http.GetAsync($"{Models(project)}?n=100000");
        var malformed = await dev.Http.PostAsync(Models(project), new StringContent("{not json", System.Text.Encoding.UTF8, "application/json"));
        var nullBody = await dev.Http.PostAsync($"{Models(project)}/m/versions", new StringContent("null", System.Text.Encoding.UTF8, "application/json"));
        var noSource = await dev.Http.PostAsJsonAsync($"{Models(project)}/m/versions", new { description = "x" });

        Assert.Contains("already exists", await ProblemAsync(duplicate, HttpStatusCode.Conflict), StringComparison.Ordinal);
        await ProblemAsync(badName, HttpStatusCode.BadRequest);
        await ProblemAsync(qualified, HttpStatusCode.BadRequest);
        await ProblemAsync(badVersion, HttpStatusCode.BadRequest);
        await ProblemAsync(missingVersion, HttpStatusCode.NotFound);
        await ProblemAsync(missingModel, HttpStatusCode.NotFound);
        Assert.True(otherProject.StatusCode is HttpStatusCode.Forbidden or HttpStatusCode.NotFound, $"got {otherProject.StatusCode}");
        Assert.True(otherRun.StatusCode is HttpStatusCode.NotFound or HttpStatusCode.Forbidden, $"got {otherRun.StatusCode}");
        await ProblemAsync(versionTagAlias, HttpStatusCode.BadRequest);
        await ProblemAsync(colonAlias, HttpStatusCode.BadRequest);
        await ProblemAsync(latestAlias, HttpStatusCode.BadRequest);
        await ProblemAsync(noSuchVersion, HttpStatusCode.NotFound);
        await ProblemAsync(hugePage, HttpStatusCode.BadRequest);
        Assert.Equal(HttpStatusCode.BadRequest, malformed.StatusCode);
        Assert.Equal(HttpStatusCode.BadRequest, nullBody.StatusCode);
        await ProblemAsync(noSource, HttpStatusCode.BadRequest);
        await using var scope = server.Services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<WharfDbContext>();
        Assert.Equal(["m"], await db.RegisteredModels.Select(m => m.Name).ToListAsync());
        Assert.False(await db.ModelVersions.AnyAsync());
        Assert.False(await db.ModelAliases.AnyAsync());
    }

    [Fact]
    public async Task List_PagesInNameOrder()
    {
        await using var server = await TrackingTestServer.StartAsync(Postgres);
        var project = ModelTestFiles.Project();
        using var dev = await server.DeveloperOfAsync(project);
        foreach (var name in new[] { "c", "a", "b" })
        {
            (await dev.Http.PostAsJsonAsync(Models(project), new { name })).EnsureSuccessStatusCode();
        }

        var first = await ReadAsync<ModelPage>(await dev.Http.GetAsync($"{Models(project)}?n=2"), HttpStatusCode.OK);
        var second = await ReadAsync<ModelPage>(await dev.Http.GetAsync($"{Models(project)}?n=2&last={first.Next}"), HttpStatusCode.OK);

        Assert.Equal(["a", "b"], first.Models.Select(m => m.Name));
        Assert.Equal("b", first.Next);
        Assert.Equal(["c"], second.Models.Select(m => m.Name));
        Assert.Null(second.Next);
    }

    private static async Task<string?> TagDigestAsync(TrackingTestServer server, string repository, string tag)
    {
        await using var scope = server.Services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<WharfDbContext>();
        return await (
            from t in db.RegistryTags
            join r in db.RegistryRepositories on t.RepositoryId equals r.Id
            join m in db.RegistryManifests on t.ManifestId equals m.Id
            where r.Name == repository && t.Name == tag
            select m.Digest).FirstOrDefaultAsync();
    }
}
