using System.Text;
using System.Text.Json;
using Wharf.Oci;
using Wharf.Oci.Layout;
using Wharf.Oci.Registry;

namespace Wharf.Cli.Tests.Images;

/// <summary><c>wharf build</c> against a real Wharf server: model version artifacts pushed in the server's shape, a base pushed with <c>wharf push</c>.</summary>
public sealed class ImageBuildCommandTests : IDisposable
{
    private static readonly byte[] Onnx = Encoding.UTF8.GetBytes(new string('o', 30_000));

    private readonly string _work = Path.Combine(Path.GetTempPath(), $"wharf-build-{Guid.NewGuid():N}");

    public ImageBuildCommandTests()
    {
        Directory.CreateDirectory(_work);
        Runtime = ImageFixtures.Runtime(Path.Combine(_work, "runtime"));
    }

    public void Dispose() => Directory.Delete(_work, recursive: true);

    private string Runtime { get; }

    private string Cache => Path.Combine(_work, "layers.json");

    [Fact]
    public async Task Build_Twice_SameDigest_NewVersionMountsItsLayer_UploadsOnlyConfigAndManifest()
    {
        await using var server = await LocalServer.StartAsync();
        var registry = ImageFixtures.Registry(server);
        await Ok(server, "project", "create", "ml");
        var (layout, _) = await ImageFixtures.BaseLayoutAsync(Path.Combine(_work, "base"), "v1");
        await Ok(server, "push", $"{layout}:v1", $"{registry}/ml/base:v1");
        var (v1, _) = await ImageFixtures.PushModelAsync(server, "ml", "iris", 1, "run-1", raw: false, ("iris.onnx", Onnx), ("conf/MLmodel", "flavors: {}\n"u8.ToArray()));
        var (_, v2Layers) = await ImageFixtures.PushModelAsync(server, "ml", "iris", 2, "run-2", raw: false, ("iris.onnx", [.. Onnx, 1]), ("conf/MLmodel", "flavors: {}\n"u8.ToArray()));
        var target = $"{registry}/ml/images/iris";
        string[] Build(string version, string tag) => ["build", $"ml/iris@{version}", "--base", $"{registry}/ml/base:v1", "-t", $"{target}:{tag}", "--runtime", Runtime, "--layer-cache", Cache, "--format", "json"];

        var first = await Ok(server, Build("1", "v1"));
        var again = await Ok(server, Build("v1", "v1-again"));
        var second = await Ok(server, Build("2", "v2"));

        using var firstJson = JsonDocument.Parse(first);
        using var againJson = JsonDocument.Parse(again);
        using var secondJson = JsonDocument.Parse(second);
        var digest = firstJson.RootElement.GetProperty("digest").GetString()!;
        Assert.Equal(digest, againJson.RootElement.GetProperty("digest").GetString());
        Assert.Equal(againJson.RootElement.GetProperty("manifestBytes").GetInt64(), againJson.RootElement.GetProperty("bytesUploaded").GetInt64());
        Assert.True(Layers(againJson).Single(l => l.Origin == "built").FromCache);

        // v2 shares the MLmodel layer and the runtime; its new onnx layer is mounted from the model repository.
        Assert.NotEqual(digest, secondJson.RootElement.GetProperty("digest").GetString());
        var newLayer = v2Layers[0].Digest.ToString();
        Assert.Equal(("existing", "mounted", 0L), Layers(secondJson).Where(l => l.Digest == newLayer).Select(l => (l.Origin, l.State, l.Bytes)).Single());
        Assert.All(Layers(secondJson).Where(l => l.Digest != newLayer), l => Assert.Equal(("skipped", 0L), (l.State, l.Bytes)));
        Assert.Equal(
            secondJson.RootElement.GetProperty("configBytes").GetInt64() + secondJson.RootElement.GetProperty("manifestBytes").GetInt64(),
            secondJson.RootElement.GetProperty("bytesUploaded").GetInt64());

        using var client = ImageFixtures.Client(server);
        var image = await client.GetManifestAsync(ImageReference.Parse($"{target}:v1"));
        Assert.Equal(digest, image.Digest.ToString());
        Assert.Equal(4, image.Manifest.Layers.Count);
        Assert.Equal(MediaTypes.OciLayerGzip, image.Manifest.Layers[1].MediaType);
        Assert.Equal(MediaTypes.OciLayerTar, image.Manifest.Layers[2].MediaType);
        var config = await ReadJsonAsync(client, ImageReference.Parse($"{target}:v1"), image.Manifest.Config!);
        var c = config.RootElement.GetProperty("config");
        Assert.Equal(["/opt/wharf-serve/wharf-serve"], c.GetProperty("Entrypoint").EnumerateArray().Select(e => e.GetString()));
        Assert.Equal(
            ["--urls", "http://0.0.0.0:8000", "--Serving:Models:0:Name", "iris", "--Serving:Models:0:Path", "/model/iris.onnx"],
            c.GetProperty("Cmd").EnumerateArray().Select(e => e.GetString()));
        Assert.True(c.GetProperty("ExposedPorts").TryGetProperty("8000/tcp", out _));
        var labels = c.GetProperty("Labels");
        Assert.Equal("iris", labels.GetProperty("wharf.model.name").GetString());
        Assert.Equal("1", labels.GetProperty("wharf.model.version").GetString());
        Assert.Equal(v1.ToString(), labels.GetProperty("wharf.model.digest").GetString());
        Assert.Equal("run-1", labels.GetProperty("wharf.model.run").GetString());
        Assert.Equal("v1", labels.GetProperty("org.opencontainers.image.version").GetString());
        Assert.Equal(["PATH=/usr/bin:/bin"], c.GetProperty("Env").EnumerateArray().Select(e => e.GetString()));
    }

    [Fact]
    public async Task Build_ToLayout_NewVersion_WritesOnlyItsModelLayerConfigAndManifest()
    {
        await using var server = await LocalServer.StartAsync();
        await Ok(server, "project", "create", "ml");
        var (baseLayout, _) = await ImageFixtures.BaseLayoutAsync(Path.Combine(_work, "base"), "v1");
        await ImageFixtures.PushModelAsync(server, "ml", "iris", 1, "run-1", raw: false, ("iris.onnx", Onnx));
        var (_, v2Layers) = await ImageFixtures.PushModelAsync(server, "ml", "iris", 2, "run-2", raw: false, ("iris.onnx", [.. Onnx, 2]));
        var output = Path.Combine(_work, "out");
        string[] Build(string version) => ["build", $"ml/iris@{version}", "--base", $"oci:{baseLayout}:v1", "--output", $"oci:{output}:iris-{version}", "--runtime", Runtime, "--layer-cache", Cache, "--format", "json"];

        await Ok(server, Build("1"));
        var second = await Ok(server, Build("2"));

        using var json = JsonDocument.Parse(second);
        Assert.Equal(
            v2Layers[0].Size + json.RootElement.GetProperty("configBytes").GetInt64() + json.RootElement.GetProperty("manifestBytes").GetInt64(),
            json.RootElement.GetProperty("bytesUploaded").GetInt64());
        var layout = await OciImageLayout.OpenAsync(output);
        Assert.Equal(json.RootElement.GetProperty("digest").GetString(), (await layout.ResolveAsync("iris-2")).Digest.ToString());
        Assert.True(layout.HasBlob(v2Layers[0].Digest));
    }

    [Fact]
    public async Task Build_OldFormatRawFile_WrappedIntoTarLayer_SaysItCopies()
    {
        await using var server = await LocalServer.StartAsync();
        await Ok(server, "project", "create", "ml");
        var (baseLayout, _) = await ImageFixtures.BaseLayoutAsync(Path.Combine(_work, "base"), "v1");
        await ImageFixtures.PushModelAsync(server, "ml", "old", 1, "run-1", raw: true, ("model.onnx", Onnx));
        var output = Path.Combine(_work, "out");

        var (exit, stdout, stderr) = await server.RunAsync("build", "ml/old@1", "--base", $"oci:{baseLayout}", "--output", $"oci:{output}", "--runtime", Runtime, "--layer-cache", Cache);

        Assert.True(exit == 0, stderr);
        Assert.Contains("copying it into a tar layer", stderr, StringComparison.Ordinal);
        var layout = await OciImageLayout.OpenAsync(output);
        var image = await layout.ResolveImageAsync(await layout.ResolveAsync("latest"));
        var modelLayer = image.Manifest.Layers[^1];
        Assert.Equal(MediaTypes.OciLayerTar, modelLayer.MediaType);
        await using var tar = await layout.OpenBlobAsync(modelLayer.Digest);
        using var reader = new System.Formats.Tar.TarReader(tar);
        var names = new List<string>();
        while (await reader.GetNextEntryAsync() is { } entry)
        {
            names.Add(entry.Name);
        }

        Assert.Contains("model/model.onnx", names);
        Assert.Contains(image.Descriptor.Digest.ToString(), stdout, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Build_BaseDoesNotExist_Exit1_ClearError_NoTag()
    {
        await using var server = await LocalServer.StartAsync();
        var registry = ImageFixtures.Registry(server);
        await Ok(server, "project", "create", "ml");
        await ImageFixtures.PushModelAsync(server, "ml", "iris", 1, "run-1", raw: false, ("iris.onnx", Onnx));

        var (exit, stdout, stderr) = await server.RunAsync(
            "build", "ml/iris@1", "--base", $"{registry}/ml/nobase:v1", "-t", $"{registry}/ml/images/iris:v1", "--runtime", Runtime, "--layer-cache", Cache, "--format", "json");

        Assert.Equal(1, exit);
        Assert.Empty(stdout);
        Assert.Contains($"{registry}/ml/nobase:v1 does not exist", stderr, StringComparison.Ordinal);
        await AssertNoTagAsync(server, $"{registry}/ml/images/iris:v1");
    }

    [Fact]
    public async Task Build_BaseIndexWithoutLinuxAmd64_Exit1_ListsPlatforms()
    {
        await using var server = await LocalServer.StartAsync();
        await Ok(server, "project", "create", "ml");
        await ImageFixtures.PushModelAsync(server, "ml", "iris", 1, "run-1", raw: false, ("iris.onnx", Onnx));
        var (baseLayout, _) = await ImageFixtures.BaseLayoutAsync(Path.Combine(_work, "base"), "v1");
        var oci = await OciImageLayout.OpenAsync(baseLayout);
        var child = await oci.ResolveAsync("v1");
        var index = JsonSerializer.SerializeToUtf8Bytes(new Dictionary<string, object>
        {
            ["schemaVersion"] = 2,
            ["mediaType"] = MediaTypes.OciIndex,
            ["manifests"] = new[] { ImageFixtures.Json(child with { Annotations = null, Platform = new Platform("s390x", "linux") }) },
        });
        await oci.WriteManifestAsync(index, MediaTypes.OciIndex, "multi");

        var (exit, _, stderr) = await server.RunAsync("build", "ml/iris@1", "--base", $"oci:{baseLayout}:multi", "--output", $"oci:{Path.Combine(_work, "out")}", "--runtime", Runtime, "--layer-cache", Cache);

        Assert.Equal(1, exit);
        Assert.Contains("linux/s390x", stderr, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Build_ModelUnknown_Exit1_NamesIt()
    {
        await using var server = await LocalServer.StartAsync();
        var registry = ImageFixtures.Registry(server);
        await Ok(server, "project", "create", "ml");

        var (exit, stdout, stderr) = await server.RunAsync(
            "build", "ml/ghost@production", "--base", $"{registry}/ml/base:v1", "-t", $"{registry}/ml/images/ghost:v1", "--runtime", Runtime, "--layer-cache", Cache);

        Assert.Equal(1, exit);
        Assert.Empty(stdout);
        Assert.Contains("model ml/ghost@production does not exist", stderr, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("../../etc/passwd")]
    [InlineData("/etc/passwd")]
    [InlineData("a/./b.onnx")]
    public async Task Build_ModelFileNameWithTraversal_Refused_NoTag(string title)
    {
        await using var server = await LocalServer.StartAsync();
        var registry = ImageFixtures.Registry(server);
        await Ok(server, "project", "create", "ml");
        var (layout, _) = await ImageFixtures.BaseLayoutAsync(Path.Combine(_work, "base"), "v1");
        await Ok(server, "push", $"{layout}:v1", $"{registry}/ml/base:v1");
        await ImageFixtures.PushModelAsync(server, "ml", "evil", 1, ("iris.onnx", Onnx), (title, "x"u8.ToArray()));

        var (exit, _, stderr) = await server.RunAsync(
            "build", "ml/evil@1", "--base", $"{registry}/ml/base:v1", "-t", $"{registry}/ml/images/evil:v1", "--runtime", Runtime, "--layer-cache", Cache);

        Assert.Equal(1, exit);
        Assert.Contains("is refused", stderr, StringComparison.Ordinal);
        await AssertNoTagAsync(server, $"{registry}/ml/images/evil:v1");
    }

    [Fact]
    public async Task Build_BadArguments_Usage()
    {
        await using var server = await LocalServer.StartAsync();
        var registry = ImageFixtures.Registry(server);

        var noVersion = await server.RunAsync("build", "ml/iris", "--base", $"{registry}/ml/base:v1", "-t", $"{registry}/ml/i:v1", "--runtime", Runtime);
        var noTarget = await server.RunAsync("build", "ml/iris@1", "--base", $"{registry}/ml/base:v1", "--runtime", Runtime);
        var noRuntime = await server.RunAsync("build", "ml/iris@1", "--base", $"{registry}/ml/base:v1", "-t", $"{registry}/ml/i:v1", "--runtime", Path.Combine(_work, "empty"));

        Assert.Equal(2, noVersion.ExitCode);
        Assert.Contains("<project>/<model>@<version|alias>", noVersion.Stderr, StringComparison.Ordinal);
        Assert.Equal(2, noTarget.ExitCode);
        Assert.Equal(1, noRuntime.ExitCode);
        Assert.Contains("no wharf-serve executable", noRuntime.Stderr, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Build_RuntimeSymlinkLeavesItsDirectory_Exit1_NoTag()
    {
        await using var server = await LocalServer.StartAsync();
        var registry = ImageFixtures.Registry(server);
        await Ok(server, "project", "create", "ml");
        var (layout, _) = await ImageFixtures.BaseLayoutAsync(Path.Combine(_work, "base"), "v1");
        await Ok(server, "push", $"{layout}:v1", $"{registry}/ml/base:v1");
        await ImageFixtures.PushModelAsync(server, "ml", "iris", 1, "run-1", raw: false, ("iris.onnx", Onnx));
        var runtime = ImageFixtures.Runtime(Path.Combine(_work, "evil-runtime"));
        File.CreateSymbolicLink(Path.Combine(runtime, "passwd"), "/etc/passwd");

        var (exit, _, stderr) = await server.RunAsync(
            "build", "ml/iris@1", "--base", $"{registry}/ml/base:v1", "-t", $"{registry}/ml/images/iris:v1", "--runtime", runtime, "--layer-cache", Cache);

        Assert.Equal(1, exit);
        Assert.Contains("passwd", stderr, StringComparison.Ordinal);
        await AssertNoTagAsync(server, $"{registry}/ml/images/iris:v1");
    }

    [Fact]
    public async Task Build_RegisteredVersions_ReusesTheirTarLayers_RebuildUploadsOnlyConfigAndManifest()
    {
        await using var server = await LocalServer.StartAsync();
        var registry = ImageFixtures.Registry(server);
        await Ok(server, "project", "create", "ml");
        await Ok(server, "experiments", "create", "ml/e");
        await Ok(server, "models", "create", "ml/iris");
        var (layout, _) = await ImageFixtures.BaseLayoutAsync(Path.Combine(_work, "base"), "v1");
        await Ok(server, "push", $"{layout}:v1", $"{registry}/ml/base:v1");
        foreach (var seed in new[] { 1, 2 })
        {
            var run = (await Ok(server, "runs", "create", "--experiment", "ml/e")).Trim();
            await PutArtifactAsync(server, run, "model/model.onnx", Wharf.TestModels.MlpModelWriter.Serialize(4, 8, 3, seed));
            await PutArtifactAsync(server, run, "model/MLmodel", "flavors: {}\n"u8.ToArray());
            await Ok(server, "models", "register", $"{run}/model", "--name", "ml/iris");
        }

        string[] Build(int version) => ["build", $"ml/iris@{version}", "--base", $"{registry}/ml/base:v1", "-t", $"{registry}/ml/images/iris:v{version}", "--runtime", Runtime, "--layer-cache", Cache, "--format", "json"];
        using var first = JsonDocument.Parse(await Ok(server, Build(1)));
        using var second = JsonDocument.Parse(await Ok(server, Build(2)));

        var modelLayers = Layers(first).Where(l => l.Origin == "existing").ToList();
        Assert.Equal(2, modelLayers.Count);
        Assert.All(modelLayers, l => Assert.Equal(("mounted", 0L), (l.State, l.Bytes)));
        Assert.Equal(["mounted", "skipped"], Layers(second).Where(l => l.Origin == "existing").Select(l => l.State).Order(StringComparer.Ordinal));
        Assert.Equal(
            second.RootElement.GetProperty("configBytes").GetInt64() + second.RootElement.GetProperty("manifestBytes").GetInt64(),
            second.RootElement.GetProperty("bytesUploaded").GetInt64());
        using var client = ImageFixtures.Client(server);
        var image = await client.GetManifestAsync(ImageReference.Parse($"{registry}/ml/images/iris:v2"));
        using var config = await ReadJsonAsync(client, ImageReference.Parse($"{registry}/ml/images/iris:v2"), image.Manifest.Config!);
        Assert.Equal("/model/model.onnx", config.RootElement.GetProperty("config").GetProperty("Cmd")[5].GetString());
        Assert.Equal("2", config.RootElement.GetProperty("config").GetProperty("Labels").GetProperty("wharf.model.version").GetString());
    }

    private async Task PutArtifactAsync(LocalServer server, string run, string path, byte[] content)
    {
        var local = Path.Combine(_work, $"upload-{Guid.NewGuid():N}");
        await File.WriteAllBytesAsync(local, content);
        await Ok(server, "artifacts", "put", run, local, "--path", path);
        File.Delete(local);
    }

    private static async Task AssertNoTagAsync(LocalServer server, string reference)
    {
        using var client = ImageFixtures.Client(server);
        var error = await Assert.ThrowsAsync<RegistryException>(() => client.GetManifestAsync(ImageReference.Parse(reference)));
        Assert.Equal(System.Net.HttpStatusCode.NotFound, error.StatusCode);
    }

    private static async Task<JsonDocument> ReadJsonAsync(RegistryClient client, ImageReference repository, Descriptor blob)
    {
        await using var stream = await client.OpenBlobAsync(repository, blob);
        return await JsonDocument.ParseAsync(stream);
    }

    private static List<(string Digest, string Origin, string State, long Bytes, bool FromCache)> Layers(JsonDocument json)
        => [.. json.RootElement.GetProperty("layers").EnumerateArray().Select(l => (
            l.GetProperty("digest").GetString()!, l.GetProperty("origin").GetString()!, l.GetProperty("state").GetString()!,
            l.GetProperty("bytes").GetInt64(), l.GetProperty("fromCache").GetBoolean()))];

    private static async Task<string> Ok(LocalServer server, params string[] args)
    {
        var (exit, stdout, stderr) = await server.RunAsync(args);
        Assert.True(exit == 0, $"wharf {string.Join(' ', args)} exited {exit}: {stderr}");
        return stdout;
    }
}
