using System.Formats.Tar;
using System.Net;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Wharf.Client.Models;
using Wharf.Client.Tests.Tracking;

namespace Wharf.Client.Tests.Models;

/// <summary>
/// The model SDK against a fake server (no socket): request shapes, and <see cref="WharfClient.PullModelAsync"/> facing
/// manifests and blobs a hostile or broken registry could send. The real-server pull is in the CLI tests.
/// </summary>
public sealed class WharfClientModelsTests : IDisposable
{
    private readonly string _root = Path.Combine(Path.GetTempPath(), $"wharf-pull-{Guid.NewGuid():N}");

    public void Dispose()
    {
        if (Directory.Exists(_root))
        {
            Directory.Delete(_root, recursive: true);
        }
    }

    private static string Digest(byte[] content) => $"sha256:{Convert.ToHexStringLower(SHA256.HashData(content))}";

    /// <summary>A registry holding one manifest (under any tag) whose layers are <paramref name="files"/>, titled as given.</summary>
    private static FakeMlflowServer Registry(IReadOnlyList<(string Title, byte[] Content)> files, Func<byte[], byte[]>? corrupt = null)
    {
        var manifest = JsonSerializer.Serialize(new
        {
            schemaVersion = 2,
            mediaType = "application/vnd.oci.image.manifest.v1+json",
            artifactType = "application/vnd.wharf.model.v1",
            config = new { mediaType = "application/vnd.wharf.model.config.v1+json", digest = Digest([]), size = 0 },
            layers = files.Select(f => new
            {
                mediaType = "application/octet-stream",
                digest = Digest(f.Content),
                size = f.Content.Length,
                annotations = new Dictionary<string, string> { ["org.opencontainers.image.title"] = f.Title },
            }),
        });
        return new FakeMlflowServer((_, path) =>
        {
            if (path.Contains("/manifests/", StringComparison.Ordinal))
            {
                return new HttpResponseMessage(HttpStatusCode.OK) { Content = new StringContent(manifest, Encoding.UTF8, "application/vnd.oci.image.manifest.v1+json") };
            }

            var file = files.FirstOrDefault(f => path.EndsWith(Digest(f.Content), StringComparison.Ordinal));
            return file.Content is null
                ? new HttpResponseMessage(HttpStatusCode.NotFound)
                : new HttpResponseMessage(HttpStatusCode.OK) { Content = new ByteArrayContent(corrupt is null ? file.Content : corrupt(file.Content)) };
        });
    }

    /// <summary>
    /// A registry holding one manifest whose layers are tars as Wharf writes them: the layer bytes
    /// <paramref name="files"/> give (a good <see cref="ModelTar"/> or a hostile one), annotated with the raw file's
    /// digest and size.
    /// </summary>
    private static FakeMlflowServer TarRegistry(IReadOnlyList<(string Title, byte[] File, byte[] Layer)> files, Func<byte[], byte[]>? corrupt = null)
    {
        var manifest = JsonSerializer.Serialize(new
        {
            schemaVersion = 2,
            mediaType = "application/vnd.oci.image.manifest.v1+json",
            artifactType = "application/vnd.wharf.model.v1",
            config = new { mediaType = "application/vnd.wharf.model.config.v1+json", digest = Digest([]), size = 0 },
            layers = files.Select(f => new
            {
                mediaType = "application/vnd.oci.image.layer.v1.tar",
                digest = Digest(f.Layer),
                size = f.Layer.Length,
                annotations = new Dictionary<string, string>
                {
                    ["org.opencontainers.image.title"] = f.Title,
                    ["vnd.wharf.model.file.digest"] = Digest(f.File),
                    ["vnd.wharf.model.file.size"] = f.File.Length.ToString(System.Globalization.CultureInfo.InvariantCulture),
                },
            }),
        });
        return new FakeMlflowServer((_, path) =>
        {
            if (path.Contains("/manifests/", StringComparison.Ordinal))
            {
                return new HttpResponseMessage(HttpStatusCode.OK) { Content = new StringContent(manifest, Encoding.UTF8, "application/vnd.oci.image.manifest.v1+json") };
            }

            var file = files.FirstOrDefault(f => path.EndsWith(Digest(f.Layer), StringComparison.Ordinal));
            return file.Layer is null
                ? new HttpResponseMessage(HttpStatusCode.NotFound)
                : new HttpResponseMessage(HttpStatusCode.OK) { Content = new ByteArrayContent(corrupt is null ? file.Layer : corrupt(file.Layer)) };
        });
    }

    private static byte[] Tar(params TarEntry[] entries)
    {
        using var buffer = new MemoryStream();
        using (var writer = new TarWriter(buffer, TarEntryFormat.Pax, leaveOpen: true))
        {
            foreach (var entry in entries)
            {
                writer.WriteEntry(entry);
            }
        }

        return buffer.ToArray();
    }

    private static PaxTarEntry TarFile(string name, byte[] content) => new(TarEntryType.RegularFile, name) { DataStream = new MemoryStream(content) };

    private static PaxTarEntry TarDirectory(string name) => new(TarEntryType.Directory, name);

    /// <summary>The layer Wharf writes for a file: <c>model/</c>, the title's parent directories, then the file.</summary>
    private static byte[] ModelTar(string title, byte[] content)
    {
        var entries = new List<TarEntry> { TarDirectory("model/") };
        var parts = title.Split('/');
        for (var i = 1; i < parts.Length; i++)
        {
            entries.Add(TarDirectory($"model/{string.Join('/', parts[..i])}/"));
        }

        entries.Add(TarFile($"model/{title}", content));
        return Tar([.. entries]);
    }

    [Fact]
    public async Task PullModelAsync_TarLayers_ExtractsEachFileVerifiedUnderItsTitle()
    {
        byte[] model = [1, 2, 3, 4, 5], weights = [.. Enumerable.Range(0, 70_000).Select(i => (byte)i)];
        var layers = new[] { ("model.onnx", model, ModelTar("model.onnx", model)), ("data/weights.bin", weights, ModelTar("data/weights.bin", weights)) };
        var fake = TarRegistry(layers);
        var reports = new List<ModelPullProgress>();
        var target = Path.Combine(_root, "out");

        var result = await fake.Client().PullModelAsync("proj", "iris", "v1", target, new SyncProgress(reports.Add));

        Assert.Equal(model, await File.ReadAllBytesAsync(Path.Combine(target, "model.onnx")));
        Assert.Equal(weights, await File.ReadAllBytesAsync(Path.Combine(target, "data", "weights.bin")));
        Assert.Equal(["data", "model.onnx"], Directory.GetFileSystemEntries(target).Select(Path.GetFileName).Order(StringComparer.Ordinal));
        Assert.Equal(
            layers.Select(l => (l.Item1, Digest(l.Item2), (long)l.Item2.Length, Digest(l.Item3))),
            result.Files.Select(f => (f.Path, f.Digest, f.Size, f.LayerDigest!)));
        var total = layers.Sum(l => (long)l.Item3.Length);
        Assert.Equal(new ModelPullProgress("data/weights.bin", total, total), reports[^1]);
    }

    public static TheoryData<string, byte[]> HostileLayers() => new()
    {
        { "another file", Tar(TarDirectory("model/"), TarFile("model/model.onnx", [1, 2, 3]), TarFile("model/extra.bin", [4])) },
        { "a file outside model/", Tar(TarFile("etc/cron.d/evil", [1, 2, 3])) },
        { "a '..' name", Tar(TarDirectory("model/"), TarFile("model/../model.onnx", [1, 2, 3])) },
        { "an absolute name", Tar(TarFile("/model/model.onnx", [1, 2, 3])) },
        { "the file as a symlink", Tar(TarDirectory("model/"), new PaxTarEntry(TarEntryType.SymbolicLink, "model/model.onnx") { LinkName = "/etc/passwd" }) },
        { "a hardlink", Tar(TarDirectory("model/"), new PaxTarEntry(TarEntryType.HardLink, "model/model.onnx") { LinkName = "/etc/passwd" }) },
        { "a symlinked directory", Tar(new PaxTarEntry(TarEntryType.SymbolicLink, "model") { LinkName = "/tmp" }, TarFile("model/model.onnx", [1, 2, 3])) },
        { "a device", Tar(TarDirectory("model/"), new PaxTarEntry(TarEntryType.CharacterDevice, "model/model.onnx") { DeviceMajor = 1, DeviceMinor = 3 }) },
        { "a FIFO", Tar(TarDirectory("model/"), new PaxTarEntry(TarEntryType.Fifo, "model/fifo")) },
        { "another directory", Tar(TarDirectory("model/"), TarDirectory("model/sub/"), TarFile("model/model.onnx", [1, 2, 3])) },
        { "the file twice", Tar(TarDirectory("model/"), TarFile("model/model.onnx", [1, 2, 3]), TarFile("model/model.onnx", [1, 2, 3])) },
        { "no file", Tar(TarDirectory("model/")) },
        { "other bytes than the annotated file", Tar(TarDirectory("model/"), TarFile("model/model.onnx", [3, 2, 1])) },
        { "not a tar", [.. Enumerable.Repeat((byte)'x', 1024)] },
    };

    [Theory]
    [MemberData(nameof(HostileLayers))]
    public async Task PullModelAsync_TarLayerHoldingAnythingButItsFile_RefusedAndNoFileOfTheVersionLeft(string what, byte[] hostile)
    {
        byte[] good = [9, 9, 9];
        var fake = TarRegistry([("a-good.bin", good, ModelTar("a-good.bin", good)), ("model.onnx", [1, 2, 3], hostile)]);
        var target = Path.Combine(_root, "out");
        var outside = Path.Combine(_root, "outside");
        Directory.CreateDirectory(outside);

        var ex = await Assert.ThrowsAsync<InvalidDataException>(() => fake.Client().PullModelAsync("proj", "m", "v1", target));

        Assert.True(ex.Message.Contains("model.onnx", StringComparison.Ordinal), $"{what}: {ex.Message}");
        var expected = what == "other bytes than the annotated file" ? "'model.onnx' does not match its digest" : what == "not a tar" ? "is not a valid tar" : "refusing the layer of 'model.onnx'";
        Assert.True(ex.Message.Contains(expected, StringComparison.Ordinal), $"{what}: {ex.Message}");
        Assert.Empty(Directory.GetFileSystemEntries(target)); // not even the good file pulled before the hostile layer
        Assert.Empty(Directory.GetFileSystemEntries(outside));
    }

    [Fact]
    public async Task PullModelAsync_TarLayerNotMatchingItsDigest_RefusedAndNoFileLeft()
    {
        byte[] model = [1, 2, 3];
        var layer = ModelTar("model.onnx", model);
        // Same length, one byte of the file changed: the tar still parses, only the layer digest catches it.
        var fake = TarRegistry([("model.onnx", model, layer)], corrupt: bytes =>
        {
            var copy = bytes.ToArray();
            copy[Array.IndexOf(copy, (byte)1, 1024)] = 7;
            return copy;
        });

        var ex = await Assert.ThrowsAsync<InvalidDataException>(() => fake.Client().PullModelAsync("proj", "m", "v1", _root));

        Assert.Contains("does not match its digest", ex.Message, StringComparison.Ordinal);
        Assert.Empty(Directory.GetFileSystemEntries(_root));
    }

    [Theory]
    [InlineData("application/vnd.oci.image.layer.v1.tar+gzip", true)]
    [InlineData("application/vnd.oci.image.layer.v1.tar", false)]
    public async Task PullModelAsync_UnreadableMediaTypeOrTarWithoutFileAnnotations_RefusedBeforeAnyBlob(string mediaType, bool annotated)
    {
        var annotations = new Dictionary<string, string> { ["org.opencontainers.image.title"] = "model.onnx" };
        if (annotated)
        {
            annotations["vnd.wharf.model.file.digest"] = Digest([1]);
            annotations["vnd.wharf.model.file.size"] = "1";
        }

        var manifest = JsonSerializer.Serialize(new
        {
            schemaVersion = 2,
            mediaType = "application/vnd.oci.image.manifest.v1+json",
            config = new { mediaType = "application/vnd.wharf.model.config.v1+json", digest = Digest([]), size = 0 },
            layers = new[] { new { mediaType, digest = Digest([1]), size = 1, annotations } },
        });
        var fake = new FakeMlflowServer((_, _) => new HttpResponseMessage(HttpStatusCode.OK) { Content = new StringContent(manifest, Encoding.UTF8, "application/vnd.oci.image.manifest.v1+json") });

        await Assert.ThrowsAsync<InvalidDataException>(() => fake.Client().PullModelAsync("proj", "m", "v1", _root));

        Assert.Single(fake.Requests);
        Assert.False(Directory.Exists(_root));
    }

    /// <summary>Versions registered before model files became tar layers have the raw file as each layer: they pull as before.</summary>
    [Fact]
    public async Task PullModelAsync_Alias_WritesEveryVerifiedFileUnderItsTitleAndReportsProgress()
    {
        byte[] model = [1, 2, 3, 4, 5], weights = [9, 9];
        var fake = Registry([("model.onnx", model), ("data/weights.bin", weights)]);
        var reports = new List<ModelPullProgress>();
        var target = Path.Combine(_root, "out");

        var result = await fake.Client().PullModelAsync("proj", "iris", "production", target, new SyncProgress(reports.Add));

        Assert.Equal("/v2/proj/models/iris/manifests/production", fake.Requests[0].PathAndQuery);
        Assert.Equal(model, await File.ReadAllBytesAsync(Path.Combine(target, "model.onnx")));
        Assert.Equal(weights, await File.ReadAllBytesAsync(Path.Combine(target, "data", "weights.bin")));
        Assert.Equal(["model.onnx", "data/weights.bin"], result.Files.Select(f => f.Path));
        Assert.Equal("proj/models/iris:production", result.Reference);
        Assert.Equal(new ModelPullProgress("data/weights.bin", 7, 7), reports[^1]);
        Assert.Equal(["data", "model.onnx"], Directory.GetFileSystemEntries(target).Select(Path.GetFileName).Order(StringComparer.Ordinal));
    }

    [Theory]
    [InlineData("3", "v3")]
    [InlineData("v12", "v12")]
    [InlineData("V2", "v2")]
    [InlineData("staging", "staging")]
    public async Task PullModelAsync_VersionOrAlias_AsksForItsTag(string given, string tag)
    {
        var fake = Registry([("m.bin", [1])]);

        await fake.Client().PullModelAsync("proj", "m", given, _root);

        Assert.Equal($"/v2/proj/models/m/manifests/{tag}", fake.Requests[0].PathAndQuery);
    }

    [Theory]
    [InlineData("0")]
    [InlineData("a/b")]
    [InlineData("a:b")]
    [InlineData("../x")]
    public async Task PullModelAsync_BadReference_RefusedBeforeAnyRequest(string given)
    {
        var fake = Registry([("m.bin", [1])]);

        await Assert.ThrowsAsync<ArgumentException>(() => fake.Client().PullModelAsync("proj", "m", given, _root));

        Assert.Empty(fake.Requests);
    }

    [Theory]
    [InlineData("../escape.bin")]
    [InlineData("a/../../escape.bin")]
    [InlineData("/tmp/escape.bin")]
    [InlineData("..")]
    [InlineData("a/./b")]
    [InlineData("a//b")]
    [InlineData("")]
    [InlineData("..\\escape.bin")]
    [InlineData("C:/escape.bin")]
    public async Task PullModelAsync_HostileTitle_RefusedAndNothingWritten(string title)
    {
        var fake = Registry([("good.bin", [1]), (title, [2])]);
        var target = Path.Combine(_root, "inside", "out");

        var ex = await Assert.ThrowsAsync<InvalidDataException>(() => fake.Client().PullModelAsync("proj", "m", "v1", target));

        Assert.Contains("refusing", ex.Message, StringComparison.Ordinal);
        Assert.Single(fake.Requests); // the manifest only: titles are checked before any blob is fetched
        Assert.False(Directory.Exists(_root), "nothing may be created, inside the target or beside it");
    }

    [Fact]
    public async Task PullModelAsync_TitleThroughSymlinkOutside_Refused()
    {
        var outside = Path.Combine(_root, "outside");
        var target = Path.Combine(_root, "out");
        Directory.CreateDirectory(outside);
        Directory.CreateDirectory(target);
        Directory.CreateSymbolicLink(Path.Combine(target, "link"), outside);
        var fake = Registry([("link/evil.bin", [7])]);

        await Assert.ThrowsAsync<InvalidDataException>(() => fake.Client().PullModelAsync("proj", "m", "v1", target));

        Assert.Empty(Directory.GetFileSystemEntries(outside));
    }

    [Fact]
    public async Task PullModelAsync_BlobDoesNotMatchDigest_RefusedAndNoFileLeft()
    {
        var fake = Registry([("model.onnx", [1, 2, 3])], corrupt: bytes => [.. bytes.Select(b => (byte)(b + 1))]);

        var ex = await Assert.ThrowsAsync<InvalidDataException>(() => fake.Client().PullModelAsync("proj", "m", "v1", _root));

        Assert.Contains("does not match its digest", ex.Message, StringComparison.Ordinal);
        Assert.Empty(Directory.GetFileSystemEntries(_root));
    }

    [Fact]
    public async Task PullModelAsync_BlobLongerThanManifestSays_Refused()
    {
        var fake = Registry([("model.onnx", [1, 2, 3])], corrupt: bytes => [.. bytes, .. bytes]);

        await Assert.ThrowsAsync<InvalidDataException>(() => fake.Client().PullModelAsync("proj", "m", "v1", _root));

        Assert.Empty(Directory.GetFileSystemEntries(_root));
    }

    [Fact]
    public async Task PullModelAsync_UnknownTag_WharfApiExceptionNotFound()
    {
        var fake = new FakeMlflowServer((_, _) => new HttpResponseMessage(HttpStatusCode.NotFound));

        var ex = await Assert.ThrowsAsync<WharfApiException>(() => fake.Client().PullModelAsync("proj", "m", "prod", _root));

        Assert.Equal(HttpStatusCode.NotFound, ex.StatusCode);
        Assert.False(Directory.Exists(_root));
    }

    [Fact]
    public async Task SetModelAliasAsync_PutsVersionToTheAliasPath()
    {
        var fake = new FakeMlflowServer((_, _) => FakeMlflowServer.Json("""{"alias":"production","version":3}"""));

        var set = await fake.Client().SetModelAliasAsync("proj", "iris", "production", 3);

        var (method, path, _) = fake.Requests.Single();
        Assert.Equal((HttpMethod.Put, "/api/v1/projects/proj/models/iris/aliases/production"), (method, path));
        Assert.Equal(3, JsonDocument.Parse(fake.BodyOf(0)).RootElement.GetProperty("version").GetInt32());
        Assert.Equal(new ModelAliasInfo("production", 3), set);
    }

    [Fact]
    public async Task RegisterModelVersionAsync_ProblemDetails_ThrowsWithDetail()
    {
        var fake = new FakeMlflowServer((_, _) => new HttpResponseMessage(HttpStatusCode.BadRequest)
        {
            Content = new StringContent("""{"status":400,"detail":"Invalid model version source 'x'"}""", Encoding.UTF8, "application/problem+json"),
        });

        var ex = await Assert.ThrowsAsync<WharfApiException>(() => fake.Client().RegisterModelVersionAsync("proj", "iris", "x"));

        Assert.Equal("/api/v1/projects/proj/models/iris/versions", fake.Requests.Single().PathAndQuery);
        Assert.Equal("x", JsonDocument.Parse(fake.BodyOf(0)).RootElement.GetProperty("source").GetString());
        Assert.Equal("Invalid model version source 'x'", ex.Problem?.Detail);
    }

    private sealed class SyncProgress(Action<ModelPullProgress> report) : IProgress<ModelPullProgress>
    {
        public void Report(ModelPullProgress value) => report(value);
    }
}
