using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Wharf.Client.Images;
using Wharf.Oci;
using Wharf.Server.Auth;
using Wharf.Server.Data;
using Wharf.Server.Images;
using Wharf.Server.Registry;
using Wharf.Server.Storage;
using Wharf.Server.Tests.Infrastructure;
using Wharf.Server.Tests.Models;
using Wharf.Server.Tests.Tracking;
using Wharf.Server.Tests.Ui;

namespace Wharf.Server.Tests.Images;

/// <summary>
/// Images built by the platform: the project setting, the level-triggered build queue and what it builds into
/// <c>&lt;project&gt;/images/&lt;model&gt;:v&lt;N&gt;</c>. The background builder is off (PollInterval 0) except where a test
/// says so; tests run the queue with <see cref="ModelImageBuilds.ProcessAsync"/>. Run on SQLite and PostgreSQL.
/// </summary>
public abstract class ModelImageBuildTests
{
    private protected abstract PostgresServer? Postgres { get; }

    private static readonly JsonSerializerOptions Web = new(JsonSerializerDefaults.Web);

    private sealed class Setup : IAsyncDisposable
    {
        public required TrackingTestServer Server { get; init; }
        public required TempDirectory Runtime { get; init; }
        public required string Project { get; init; }
        public required HttpClient Owner { get; init; }
        public required MlflowTestClient Dev { get; init; }

        public async ValueTask DisposeAsync()
        {
            Owner.Dispose();
            Dev.Dispose();
            await Server.DisposeAsync();
            Runtime.Dispose();
        }
    }

    private async Task<Setup> StartAsync(bool withRuntime = true, string pollInterval = "00:00:00")
    {
        var runtime = new TempDirectory("wharf-runtime");
        ModelImageTestData.WriteFakeRuntime(runtime.Path);
        var settings = new Dictionary<string, string?> { ["Wharf:Images:PollInterval"] = pollInterval };
        if (withRuntime)
        {
            settings["Wharf:Images:ServingRuntimeDirectory"] = runtime.Path;
        }

        var server = await TrackingTestServer.StartAsync(Postgres, settings);
        var project = ModelTestFiles.Project();
        var dev = await server.DeveloperOfAsync(project);
        var owner = server.Anonymous().Http;
        ModelTestFiles.Authorize(owner, await ModelTestFiles.MemberTokenAsync(server.Services, project, ProjectRole.Owner));
        await ModelImageTestData.PushBaseAsync(server.Services, $"{project}/base", "1");
        return new Setup { Server = server, Runtime = runtime, Project = project, Owner = owner, Dev = dev };
    }

    private static string SettingsPath(string project) => $"/api/v1/projects/{project}/settings/model-images";

    private static string ImagePath(string project, string model, int version) => $"/api/v1/projects/{project}/models/{model}/versions/{version}/image";

    private static async Task EnableAsync(Setup s)
    {
        var response = await s.Owner.PutAsJsonAsync(SettingsPath(s.Project), new ModelImageSettings(true, $"{s.Project}/base:1"));
        Assert.True(response.StatusCode == HttpStatusCode.OK, await response.Content.ReadAsStringAsync());
    }

    private static async Task RegisterIrisAsync(Setup s)
    {
        var (_, run) = await ModelTestFiles.RunWithFilesAsync(s.Dev, ("model/model.onnx", ModelTestFiles.IrisOnnx()), ("model/labels.txt", "a\nb\nc\n"u8.ToArray()));
        (await s.Dev.Http.PostAsJsonAsync($"/api/v1/projects/{s.Project}/models", new { name = "iris" })).EnsureSuccessStatusCode();
        var registered = await s.Dev.Http.PostAsJsonAsync($"/api/v1/projects/{s.Project}/models/iris/versions", new { source = $"{run}/model" });
        Assert.Equal(HttpStatusCode.Created, registered.StatusCode);
    }

    private static async Task<int> ProcessAsync(Setup s)
    {
        await using var scope = s.Server.Services.CreateAsyncScope();
        return await scope.ServiceProvider.GetRequiredService<ModelImageBuilds>().ProcessAsync();
    }

    private static async Task<ModelImageBuildInfo> ImageAsync(Setup s, HttpStatusCode expected = HttpStatusCode.OK)
    {
        var response = await s.Dev.Http.GetAsync(ImagePath(s.Project, "iris", 1));
        var body = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == expected, $"expected {expected}, got {response.StatusCode}: {body}");
        return expected == HttpStatusCode.OK ? JsonSerializer.Deserialize<ModelImageBuildInfo>(body, Web)! : null!;
    }

    private static async Task<(Manifest Manifest, JsonElement Config)> ReadImageAsync(Setup s, string reference)
    {
        await using var scope = s.Server.Services.CreateAsyncScope();
        var registry = scope.ServiceProvider.GetRequiredService<RegistryStore>();
        var blobs = scope.ServiceProvider.GetRequiredService<IBlobStore>();
        var head = await registry.FindManifestHeadAsync($"{s.Project}/images/iris", reference, reference.StartsWith("sha256:", StringComparison.Ordinal));
        Assert.NotNull(head);
        var manifest = ManifestParser.TryParse((await registry.FindManifestContentAsync(head.Id))!, head.MediaType, out _)!;
        await using var config = (await blobs.OpenReadAsync(manifest.Config!.Digest))!;
        return (manifest, (await JsonDocument.ParseAsync(config)).RootElement.Clone());
    }

    private static async Task<long> StoredBytesAsync(Setup s)
    {
        await using var scope = s.Server.Services.CreateAsyncScope();
        return (await scope.ServiceProvider.GetRequiredService<IBlobStore>().GetUsageAsync()).TotalBytes;
    }

    [Fact]
    public async Task Build_TarFormatVersion_SucceedsReusingModelLayerVerbatim_RebuildSameDigestNoNewBytes()
    {
        await using var s = await StartAsync();
        await EnableAsync(s);
        await RegisterIrisAsync(s);
        var modelLayers = await ModelImageTestData.RewriteAsTarLayersAsync(s.Server.Services, s.Project, "iris", 1);

        Assert.Equal(1, await ProcessAsync(s));
        var built = await ImageAsync(s);
        var (manifest, config) = await ReadImageAsync(s, "v1");
        var before = await StoredBytesAsync(s);
        var rebuild = await s.Dev.Http.PostAsync(ImagePath(s.Project, "iris", 1), null);
        Assert.Equal(1, await ProcessAsync(s));
        var rebuilt = await ImageAsync(s);
        var after = await StoredBytesAsync(s);

        Assert.True(built.Status == ModelImageBuildStatuses.Succeeded, built.Log);
        Assert.EndsWith($"/{s.Project}/images/iris:v1", built.Reference);
        Assert.Equal(manifest.Layers.Count, (await ReadImageAsync(s, built.Digest!)).Manifest.Layers.Count);
        // base layer, runtime layer, then the model's two tar layers: the same blobs as the model version's.
        Assert.Equal(4, manifest.Layers.Count);
        Assert.Equal([modelLayers["labels.txt"], modelLayers["model.onnx"]], manifest.Layers.Skip(2).Select(l => l.Digest));
        Assert.All(manifest.Layers.Skip(2), l => Assert.Equal(MediaTypes.OciLayerTar, l.MediaType));
        Assert.Equal(MediaTypes.OciLayerGzip, manifest.Layers[1].MediaType);
        var c = config.GetProperty("config");
        Assert.Equal(["/opt/wharf-serve/wharf-serve"], c.GetProperty("Entrypoint").EnumerateArray().Select(e => e.GetString()));
        Assert.Equal(["--urls", "http://0.0.0.0:8000", "--Serving:Models:0:Name", "iris", "--Serving:Models:0:Path", "/model/model.onnx"],
            c.GetProperty("Cmd").EnumerateArray().Select(e => e.GetString()));
        Assert.True(c.GetProperty("ExposedPorts").TryGetProperty("8000/tcp", out _));
        var labels = c.GetProperty("Labels");
        Assert.Equal("iris", labels.GetProperty("wharf.model.name").GetString());
        Assert.Equal("1", labels.GetProperty("wharf.model.version").GetString());
        Assert.StartsWith("sha256:", labels.GetProperty("wharf.model.digest").GetString());
        Assert.Equal(32, labels.GetProperty("wharf.model.run").GetString()!.Length);
        Assert.Equal("v1", labels.GetProperty("org.opencontainers.image.version").GetString());
        Assert.Contains("reused verbatim", built.Log, StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.Accepted, rebuild.StatusCode);
        Assert.Equal(ModelImageBuildStatuses.Succeeded, rebuilt.Status);
        Assert.Equal(built.Digest, rebuilt.Digest);
        Assert.Equal(before, after);
        Assert.Contains(" 0 new blob bytes", rebuilt.Log, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Build_RawFileVersion_CopiesFilesIntoTarLayersAndSucceeds()
    {
        await using var s = await StartAsync();
        await EnableAsync(s);
        await RegisterIrisAsync(s);
        var rawFiles = await ModelImageTestData.RewriteAsRawFilesAsync(s.Server.Services, s.Project, "iris", 1);

        await ProcessAsync(s);
        var built = await ImageAsync(s);
        var (manifest, _) = await ReadImageAsync(s, "v1");

        Assert.True(built.Status == ModelImageBuildStatuses.Succeeded, built.Log);
        Assert.Equal(4, manifest.Layers.Count);
        Assert.All(manifest.Layers.Skip(2), l => Assert.Equal(MediaTypes.OciLayerTar, l.MediaType));
        Assert.DoesNotContain(manifest.Layers, l => rawFiles.Values.Contains(l.Digest));
        Assert.Contains("copied into a tar layer at model/model.onnx", built.Log, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Disabled_NoBuildRow()
    {
        await using var s = await StartAsync();
        await RegisterIrisAsync(s);

        Assert.Equal(0, await ProcessAsync(s));
        await ImageAsync(s, HttpStatusCode.NotFound);
        await using var scope = s.Server.Services.CreateAsyncScope();
        Assert.False(await scope.ServiceProvider.GetRequiredService<WharfDbContext>().ModelImageBuilds.AnyAsync());
    }

    [Fact]
    public async Task MissingRuntime_BuildFailsSayingSo_NoImageTagged()
    {
        await using var s = await StartAsync(withRuntime: false);
        await EnableAsync(s);
        await RegisterIrisAsync(s);

        await ProcessAsync(s);
        var failed = await ImageAsync(s);

        Assert.Equal(ModelImageBuildStatuses.Failed, failed.Status);
        Assert.Contains("no serving runtime configured (Wharf:Images:ServingRuntimeDirectory)", failed.Log, StringComparison.Ordinal);
        Assert.Null(failed.Digest);
        await using var scope = s.Server.Services.CreateAsyncScope();
        var registry = scope.ServiceProvider.GetRequiredService<RegistryStore>();
        Assert.Null(await registry.FindManifestHeadAsync($"{s.Project}/images/iris", "v1", isDigest: false));
        var db = scope.ServiceProvider.GetRequiredService<WharfDbContext>();
        Assert.Equal(1, await db.OutboxEvents.CountAsync(e => e.Type == ModelImageFailed.EventType));
    }

    [Theory]
    [InlineData("{p}/nothing:1")]
    [InlineData("{p}/base:2")]
    [InlineData("docker.io/library/debian:12")]
    [InlineData("localhost:5000/x/y:1")]
    [InlineData("{p}/base")]
    [InlineData("../etc/passwd:1")]
    public async Task PutSettings_UnknownOrExternalBase_400AndNothingStored(string baseImage)
    {
        await using var s = await StartAsync();

        var response = await s.Owner.PutAsJsonAsync(SettingsPath(s.Project), new ModelImageSettings(true, baseImage.Replace("{p}", s.Project, StringComparison.Ordinal)));
        var body = await response.Content.ReadAsStringAsync();
        var read = await s.Dev.Http.GetFromJsonAsync<ModelImageSettings>(SettingsPath(s.Project));

        Assert.True(response.StatusCode == HttpStatusCode.BadRequest, body);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        Assert.Contains("baseImage", body, StringComparison.Ordinal);
        Assert.Equal(new ModelImageSettings(false, null), read);
    }

    [Fact]
    public async Task Restart_RunningBuildWithExpiredLease_CompletesOnceWithoutDuplicate()
    {
        await using var s = await StartAsync();
        await EnableAsync(s);
        await RegisterIrisAsync(s);
        await using (var scope = s.Server.Services.CreateAsyncScope())
        {
            // As a builder that died mid-build leaves it: the row RUNNING, its lease run out.
            var builds = scope.ServiceProvider.GetRequiredService<ModelImageBuilds>();
            Assert.Equal(1, await builds.EnqueueAsync());
            var db = scope.ServiceProvider.GetRequiredService<WharfDbContext>();
            var past = DateTimeOffset.UtcNow.AddHours(-1);
            await db.ModelImageBuilds.ExecuteUpdateAsync(u => u.SetProperty(b => b.Status, ModelImageBuildStatuses.Running)
                .SetProperty(b => b.Attempts, 1).SetProperty(b => b.LeaseExpiresAt, past));
        }

        Assert.Equal(1, await ProcessAsync(s));
        Assert.Equal(0, await ProcessAsync(s));
        var done = await ImageAsync(s);

        Assert.Equal(ModelImageBuildStatuses.Succeeded, done.Status);
        Assert.Equal(2, done.Attempts);
        await using var check = s.Server.Services.CreateAsyncScope();
        var checkDb = check.ServiceProvider.GetRequiredService<WharfDbContext>();
        Assert.Equal(1, await checkDb.ModelImageBuilds.CountAsync());
        Assert.Equal(1, await checkDb.OutboxEvents.CountAsync(e => e.Type == ModelImageBuilt.EventType));
    }

    [Fact]
    public async Task Access_ViewerReadsStatusButCannotRebuildOrChangeSettings()
    {
        await using var s = await StartAsync();
        await EnableAsync(s);
        await RegisterIrisAsync(s);
        await ProcessAsync(s);
        using var viewer = s.Server.Anonymous().Http;
        ModelTestFiles.Authorize(viewer, await ModelTestFiles.MemberTokenAsync(s.Server.Services, s.Project, ProjectRole.Viewer));

        var status = await viewer.GetAsync(ImagePath(s.Project, "iris", 1));
        var settings = await viewer.GetAsync(SettingsPath(s.Project));
        var rebuild = await viewer.PostAsync(ImagePath(s.Project, "iris", 1), null);
        var change = await viewer.PutAsJsonAsync(SettingsPath(s.Project), new ModelImageSettings(false, null));
        var devChange = await s.Dev.Http.PutAsJsonAsync(SettingsPath(s.Project), new ModelImageSettings(false, null));

        Assert.Equal(HttpStatusCode.OK, status.StatusCode);
        Assert.Equal(HttpStatusCode.OK, settings.StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, rebuild.StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, change.StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, devChange.StatusCode);
        Assert.True((await viewer.GetFromJsonAsync<ModelImageSettings>(SettingsPath(s.Project)))!.Enabled);
        Assert.Equal(ModelImageBuildStatuses.Succeeded, (await ImageAsync(s)).Status);
    }

    [Fact]
    public async Task Background_VersionReady_WakesBuilderWhichBuildsTheImage()
    {
        await using var s = await StartAsync(pollInterval: "00:10:00");
        await EnableAsync(s);
        await RegisterIrisAsync(s);

        // The event wakes the builder; the test waits for the outcome, not for a time.
        ModelImageBuildInfo? info = null;
        for (var i = 0; i < 600 && info?.Status is not (ModelImageBuildStatuses.Succeeded or ModelImageBuildStatuses.Failed); i++)
        {
            await Task.Delay(100);
            var response = await s.Dev.Http.GetAsync(ImagePath(s.Project, "iris", 1));
            info = response.StatusCode == HttpStatusCode.OK ? await response.Content.ReadFromJsonAsync<ModelImageBuildInfo>() : null;
        }

        Assert.True(info?.Status == ModelImageBuildStatuses.Succeeded, info?.Log);
    }
    [Fact]
    public async Task VersionPage_ShowsImagePanel_DeveloperRebuildsViewerRefused()
    {
        await using var s = await StartAsync();
        await EnableAsync(s);
        await RegisterIrisAsync(s);
        await ProcessAsync(s);
        var built = await ImageAsync(s);
        var page = $"/models/{s.Project}/iris/versions/1";
        using var viewer = s.Server.Anonymous().Http;
        ModelTestFiles.Authorize(viewer, await ModelTestFiles.MemberTokenAsync(s.Server.Services, s.Project, ProjectRole.Viewer));

        var html = await s.Dev.Http.GetStringAsync(new Uri(page, UriKind.Relative));
        var viewerHtml = await viewer.GetStringAsync(new Uri(page, UriKind.Relative));
        var forged = await UiForms.PostFormAsync(viewer, page, html, "image-rebuild", []);
        var afterForged = await ImageAsync(s);
        var posted = await UiForms.PostFormAsync(s.Dev.Http, page, html, "image-rebuild", []);
        var afterPost = await ImageAsync(s);

        Assert.Contains($"/{s.Project}/images/iris:v1</code>", html, StringComparison.Ordinal);
        Assert.Contains("data-testid=\"image-status\">SUCCEEDED<", html, StringComparison.Ordinal);
        Assert.Contains($"podman pull --tls-verify=false ", html, StringComparison.Ordinal);
        Assert.Contains("<pre class=\"log\" data-testid=\"image-log\">", html, StringComparison.Ordinal);
        Assert.Contains(built.Digest!, html, StringComparison.Ordinal);
        Assert.Contains("data-testid=\"image-rebuild\"", html, StringComparison.Ordinal);
        Assert.Contains("data-testid=\"image-status\">SUCCEEDED<", viewerHtml, StringComparison.Ordinal);
        Assert.DoesNotContain("data-testid=\"image-rebuild\"", viewerHtml, StringComparison.Ordinal);
        // The viewer's page has no form (so no antiforgery token of its own): refused either way, nothing queued.
        Assert.True(forged.StatusCode is HttpStatusCode.Forbidden or HttpStatusCode.BadRequest, forged.StatusCode.ToString());
        Assert.Equal(ModelImageBuildStatuses.Succeeded, afterForged.Status);
        Assert.Equal(HttpStatusCode.OK, posted.StatusCode);
        Assert.Equal(ModelImageBuildStatuses.Pending, afterPost.Status);
    }
    [Fact]
    public async Task EnabledAfterVersion_NotBuiltUntilAsked_ThenBuilt()
    {
        await using var s = await StartAsync();
        await RegisterIrisAsync(s);
        await EnableAsync(s);

        Assert.Equal(0, await ProcessAsync(s));
        await ImageAsync(s, HttpStatusCode.NotFound);
        var asked = await s.Dev.Http.PostAsync(ImagePath(s.Project, "iris", 1), null);
        Assert.Equal(1, await ProcessAsync(s));

        Assert.Equal(HttpStatusCode.Accepted, asked.StatusCode);
        Assert.Equal(ModelImageBuildStatuses.Succeeded, (await ImageAsync(s)).Status);
    }
}
