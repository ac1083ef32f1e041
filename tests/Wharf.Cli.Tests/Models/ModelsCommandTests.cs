using System.Diagnostics;
using System.Net;
using System.Net.Http.Headers;
using System.Text.Json;
using Wharf.Client;
using Wharf.Client.Models;

namespace Wharf.Cli.Tests.Models;

/// <summary><c>wharf models ...</c> end to end against a real server on loopback, as its administrator.</summary>
public sealed class ModelsCommandTests : IDisposable
{
    private readonly string _work = Path.Combine(Path.GetTempPath(), $"wharf-models-{Guid.NewGuid():N}");

    public ModelsCommandTests() => Directory.CreateDirectory(_work);

    public void Dispose() => Directory.Delete(_work, recursive: true);

    [Fact]
    public async Task CreateRegisterAliasShowPull_WorkEndToEnd()
    {
        await using var server = await LocalServer.StartAsync();
        var run = await RunWithFilesAsync(server, ("model/weights.bin", [1, 2, 3, 4]), ("model/conf/MLmodel", "flavors: {}\n"u8.ToArray()));

        var created = Json(await Ok(server, "models", "create", "iris", "--project", "ml", "--format", "json"), WharfJsonContext.Default.ModelInfo);
        var registered = Json(await Ok(server, "models", "register", $"{run}/model", "--name", "ml/iris", "--format", "json"), WharfJsonContext.Default.ModelVersionInfo);
        var second = await Ok(server, "models", "register", $"{run}/model", "-n", "iris", "-p", "ml");
        var aliased = await Ok(server, "models", "alias", "set", "ml/iris", "production", "v1");
        var listed = Json(await Ok(server, "models", "ls", "--project", "ml", "--format", "json"), WharfJsonContext.Default.IReadOnlyListModelSummary);
        var everyProject = Json(await Ok(server, "models", "ls", "--format", "json"), WharfJsonContext.Default.IReadOnlyListModelSummary);
        var table = await Ok(server, "models", "ls");
        var shown = await Ok(server, "models", "show", "ml/iris");
        var version = Json(await Ok(server, "models", "show", "ml/iris@production", "--format", "json"), WharfJsonContext.Default.ModelVersionInfo);
        var versionText = await Ok(server, "models", "show", "ml/iris@2");
        var byAlias = Path.Combine(_work, "by-alias");
        var pulled = Json(await Ok(server, "models", "pull", "ml/iris@production", byAlias, "--format", "json"), WharfJsonContext.Default.ModelPullResult);
        var byVersion = Path.Combine(_work, "by-version");
        var pulledText = await Ok(server, "models", "pull", "ml/iris@2", byVersion);

        Assert.Equal("ml/models/iris", created.Repository);
        Assert.Equal((1, ModelVersionStatuses.Ready), (registered.Version, registered.Status));
        Assert.Contains("Registered ml/iris v2", second, StringComparison.Ordinal);
        Assert.Contains("production of ml/iris now points at v1", aliased, StringComparison.Ordinal);
        var summary = Assert.Single(listed);
        Assert.Equal(("iris", 2), (summary.Name, summary.LatestVersion));
        Assert.Equal([new ModelAliasInfo("production", 1)], summary.Aliases);
        Assert.Equal([("ml", "iris")], everyProject.Select(m => (m.Project, m.Name)));
        Assert.Matches(@"ml\s+iris\s+v2\s+production=v1", table);
        Assert.Contains("production=v1", shown, StringComparison.Ordinal);
        Assert.Contains("READY", shown, StringComparison.Ordinal);
        Assert.Equal(1, version.Version);
        Assert.Equal(["conf/MLmodel", "weights.bin"], version.Files.Select(f => f.Path));
        // Each file travels as a tar layer; the version lists the raw file's digest and the layer's apart.
        Assert.Equal(RegistryPush.Digest([1, 2, 3, 4]), version.Files[1].Digest);
        Assert.All(version.Files, f => Assert.Equal("application/vnd.oci.image.layer.v1.tar", f.LayerMediaType));
        Assert.All(version.Files, f => Assert.NotEqual(f.Digest, f.LayerDigest));
        Assert.Equal(version.Files.Select(f => (f.Path, f.Digest)), pulled.Files.Select(f => (f.Path, f.Digest)));
        Assert.EndsWith("/ml/models/iris:v1", version.Reference);
        Assert.Equal(run, version.Lineage.RunId);
        Assert.Contains("ml/models/iris:v2", versionText, StringComparison.Ordinal);
        Assert.Equal("ml/models/iris:production", pulled.Reference);
        Assert.Equal(version.Digest, pulled.Digest);
        Assert.Equal([1, 2, 3, 4], await File.ReadAllBytesAsync(Path.Combine(byAlias, "weights.bin")));
        Assert.Equal("flavors: {}\n"u8.ToArray(), await File.ReadAllBytesAsync(Path.Combine(byAlias, "conf", "MLmodel")));
        Assert.Contains("Pulled ml/models/iris:v2", pulledText, StringComparison.Ordinal);
        Assert.Equal([1, 2, 3, 4], await File.ReadAllBytesAsync(Path.Combine(byVersion, "weights.bin")));

        await Ok(server, "models", "alias", "rm", "ml/iris", "production");
        var gone = await server.RunAsync("models", "pull", "ml/iris@production", Path.Combine(_work, "gone"));
        Assert.Equal(1, gone.ExitCode);
        Assert.Contains("does not exist", gone.Stderr, StringComparison.Ordinal);
    }

    [Fact]
    public async Task BadInput_UsageOrServerErrorsWithMessages()
    {
        await using var server = await LocalServer.StartAsync();
        await Ok(server, "project", "create", "ml");
        await Ok(server, "models", "create", "ml/iris");

        var noReference = await server.RunAsync("models", "pull", "ml/iris", _work);
        var badVersion = await server.RunAsync("models", "alias", "set", "ml/iris", "prod", "abc");
        var versionAlias = await server.RunAsync("models", "alias", "set", "ml/iris", "v9", "1");
        var hostileSource = await server.RunAsync("models", "register", "file:///etc/passwd", "--name", "ml/iris");
        var missing = await server.RunAsync("models", "show", "ml/nope");
        var duplicate = await server.RunAsync("models", "create", "ml/iris");

        Assert.Equal(2, noReference.ExitCode);
        Assert.Contains("names no version", noReference.Stderr, StringComparison.Ordinal);
        Assert.Equal(2, badVersion.ExitCode);
        Assert.Equal(1, versionAlias.ExitCode);
        Assert.Contains("v<number>", versionAlias.Stderr, StringComparison.Ordinal);
        Assert.Equal(1, hostileSource.ExitCode);
        Assert.Contains("Invalid model version source", hostileSource.Stderr, StringComparison.Ordinal);
        Assert.Equal(1, missing.ExitCode);
        Assert.Equal(1, duplicate.ExitCode);
        Assert.Contains("already exists", duplicate.Stderr, StringComparison.Ordinal);
        Assert.Empty(Directory.GetFileSystemEntries(_work));
    }

    [Fact]
    public async Task Pull_ManifestWithHostileTitle_RefusedByTheWharfProcessAndNothingWrittenOutside()
    {
        await using var server = await LocalServer.StartAsync();
        await Ok(server, "project", "create", "ml");
        await PushModelManifestAsync(server.Http, "ml/models/evil", "v1", ("good.bin", [1]), ("../escape.bin", [6, 6, 6]));
        var target = Path.Combine(_work, "inside");

        var (exit, stdout, stderr) = await RunProcessAsync(
            "models", "pull", "ml/evil@1", target, "--server", server.Address.ToString(), "--token", server.AdminToken);

        Assert.Equal(1, exit);
        Assert.Contains("refusing file title '../escape.bin'", stderr, StringComparison.Ordinal);
        Assert.Equal("", stdout);
        Assert.False(File.Exists(Path.Combine(_work, "escape.bin")));
        Assert.Empty(Directory.GetFileSystemEntries(_work));
    }

    [Fact]
    public async Task Pull_VersionRegisteredBeforeTarLayers_RawFileLayersStillPull()
    {
        await using var server = await LocalServer.StartAsync();
        await Ok(server, "project", "create", "ml");
        // The manifest a version got before model files became tar layers: each layer is the raw file.
        await PushModelManifestAsync(server.Http, "ml/models/old", "v1", ("model.onnx", [1, 2, 3]), ("data/weights.bin", [4, 5]));
        var target = Path.Combine(_work, "old");

        var pulled = Json(await Ok(server, "models", "pull", "ml/old@1", target, "--format", "json"), WharfJsonContext.Default.ModelPullResult);

        Assert.Equal([1, 2, 3], await File.ReadAllBytesAsync(Path.Combine(target, "model.onnx")));
        Assert.Equal([4, 5], await File.ReadAllBytesAsync(Path.Combine(target, "data", "weights.bin")));
        Assert.Equal(["model.onnx", "data/weights.bin"], pulled.Files.Select(f => f.Path));
        Assert.All(pulled.Files, f => Assert.Equal(f.Digest, f.LayerDigest));
    }

    [Fact]
    public async Task Pull_TarLayerHoldingASymlink_RefusedAndNothingWritten()
    {
        await using var server = await LocalServer.StartAsync();
        await Ok(server, "project", "create", "ml");
        byte[] tar;
        using (var buffer = new MemoryStream())
        {
            using (var writer = new System.Formats.Tar.TarWriter(buffer, System.Formats.Tar.TarEntryFormat.Pax, leaveOpen: true))
            {
                writer.WriteEntry(new System.Formats.Tar.PaxTarEntry(System.Formats.Tar.TarEntryType.Directory, "model/"));
                writer.WriteEntry(new System.Formats.Tar.PaxTarEntry(System.Formats.Tar.TarEntryType.SymbolicLink, "model/model.onnx") { LinkName = "/etc/passwd" });
            }

            tar = buffer.ToArray();
        }

        await PushModelManifestAsync(server.Http, "ml/models/evil", "v1", ("model.onnx", tar));
        var target = Path.Combine(_work, "evil");

        var (exit, stdout, stderr) = await server.RunAsync("models", "pull", "ml/evil@1", target);

        Assert.Equal(1, exit);
        Assert.Contains("refusing the layer of 'model.onnx'", stderr, StringComparison.Ordinal);
        Assert.Equal("", stdout);
        Assert.False(Directory.Exists(target) && Directory.EnumerateFileSystemEntries(target).Any());
    }

    private async Task<string> RunWithFilesAsync(LocalServer server, params (string Path, byte[] Content)[] files)
    {
        await Ok(server, "project", "create", "ml");
        await Ok(server, "experiments", "create", "ml/e");
        var run = (await Ok(server, "runs", "create", "--experiment", "ml/e")).Trim();
        foreach (var (path, content) in files)
        {
            var local = Path.Combine(_work, $"upload-{Guid.NewGuid():N}");
            await File.WriteAllBytesAsync(local, content);
            await Ok(server, "artifacts", "put", run, local, "--path", path);
            File.Delete(local);
        }

        return run;
    }

    /// <summary>
    /// Pushes a model-shaped manifest through <c>/v2/</c> whose layers carry the given titles, as a hostile registry user
    /// could. A layer whose content starts like a tar is pushed as a tar layer annotated with the file digest of
    /// <c>[1, 2, 3]</c>; any other content as a raw-file layer, as versions were stored before files became tars.
    /// </summary>
    private static async Task PushModelManifestAsync(HttpClient http, string repository, string tag, params (string Title, byte[] Content)[] files)
    {
        static bool IsTar(byte[] content) => content.Length >= 512 && content.AsSpan(257, 5).SequenceEqual("ustar"u8);
        var config = "{}"u8.ToArray();
        foreach (var content in files.Select(f => f.Content).Append(config))
        {
            using var body = new ByteArrayContent(content);
            body.Headers.ContentType = new MediaTypeHeaderValue("application/octet-stream");
            using var response = await http.PostAsync($"/v2/{repository}/blobs/uploads/?digest={RegistryPush.Digest(content)}", body);
            Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        }

        var manifest = JsonSerializer.SerializeToUtf8Bytes(new Dictionary<string, object>
        {
            ["schemaVersion"] = 2,
            ["mediaType"] = RegistryPush.ManifestType,
            ["artifactType"] = "application/vnd.wharf.model.v1",
            ["config"] = new Dictionary<string, object> { ["mediaType"] = "application/vnd.wharf.model.config.v1+json", ["digest"] = RegistryPush.Digest(config), ["size"] = config.Length },
            ["layers"] = files.Select(f => new Dictionary<string, object>
            {
                ["mediaType"] = IsTar(f.Content) ? "application/vnd.oci.image.layer.v1.tar" : "application/octet-stream",
                ["digest"] = RegistryPush.Digest(f.Content),
                ["size"] = f.Content.Length,
                ["annotations"] = IsTar(f.Content)
                    ? new Dictionary<string, string>
                    {
                        ["org.opencontainers.image.title"] = f.Title,
                        ["vnd.wharf.model.file.digest"] = RegistryPush.Digest([1, 2, 3]),
                        ["vnd.wharf.model.file.size"] = "3",
                    }
                    : new Dictionary<string, string> { ["org.opencontainers.image.title"] = f.Title },
            }).ToList(),
        });
        using var put = new ByteArrayContent(manifest);
        put.Headers.ContentType = new MediaTypeHeaderValue(RegistryPush.ManifestType);
        using var pushed = await http.PutAsync($"/v2/{repository}/manifests/{tag}", put);
        Assert.Equal(HttpStatusCode.Created, pushed.StatusCode);
    }

    /// <summary>Runs the built <c>wharf</c> as its own process.</summary>
    private async Task<(int ExitCode, string Stdout, string Stderr)> RunProcessAsync(params string[] args)
    {
        var info = new ProcessStartInfo("dotnet")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
            WorkingDirectory = _work,
        };
        info.ArgumentList.Add(Path.Combine(AppContext.BaseDirectory, "wharf.dll"));
        foreach (var arg in args)
        {
            info.ArgumentList.Add(arg);
        }

        info.Environment.Remove("WHARF_TOKEN");
        using var process = Process.Start(info)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        await process.WaitForExitAsync();
        return (process.ExitCode, await stdout, await stderr);
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
