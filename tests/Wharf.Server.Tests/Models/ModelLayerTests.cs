using System.Formats.Tar;
using System.Net;
using System.Net.Http.Json;
using System.Security.Cryptography;
using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using Wharf.Client.Models;
using Wharf.Server.Storage;
using Wharf.Server.Tests.Infrastructure;
using Wharf.Server.Tests.Tracking;

namespace Wharf.Server.Tests.Models;

/// <summary>
/// What a version's layers are: one uncompressed deterministic tar per model file, holding it at
/// <c>model/&lt;path&gt;</c>, annotated with the raw file's digest and size, so the model image can append the very same
/// blobs. Run on SQLite and PostgreSQL.
/// </summary>
public abstract class ModelLayerTests
{
    private protected abstract PostgresServer? Postgres { get; }

    private const string TarLayer = "application/vnd.oci.image.layer.v1.tar";

    private static readonly JsonSerializerOptions Web = new(JsonSerializerDefaults.Web);

    private static string Models(string project) => $"/api/v1/projects/{project}/models";

    private static string Sha256(byte[] content) => $"sha256:{Convert.ToHexStringLower(SHA256.HashData(content))}";

    private static async Task<ModelVersionInfo> RegisterAsync(MlflowTestClient client, string project, string model, string source)
    {
        using var response = await client.Http.PostAsJsonAsync($"{Models(project)}/{model}/versions", new { source });
        var body = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == HttpStatusCode.Created, body);
        var version = JsonSerializer.Deserialize<ModelVersionInfo>(body, Web)!;
        Assert.Equal(ModelVersionStatuses.Ready, version.Status);
        return version;
    }

    private static async Task<JsonElement> ManifestAsync(HttpClient registry, string repository, string tag)
    {
        using var get = new HttpRequestMessage(HttpMethod.Get, $"/v2/{repository}/manifests/{tag}");
        get.Headers.Accept.ParseAdd("application/vnd.oci.image.manifest.v1+json");
        using var response = await registry.SendAsync(get);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        return JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement.Clone();
    }

    [Fact]
    public async Task Register_EachFileIsOneUncompressedTarOfJustThatFile_AnnotatedWithTheRawDigestAndSize()
    {
        await using var server = await TrackingTestServer.StartAsync(Postgres);
        var project = ModelTestFiles.Project();
        using var dev = await server.DeveloperOfAsync(project);
        var onnx = ModelTestFiles.IrisOnnx();
        byte[] weights = [.. Enumerable.Range(0, 3000).Select(i => (byte)(i * 7))];
        var (_, run) = await ModelTestFiles.RunWithFilesAsync(dev, ("model/model.onnx", onnx), ("model/data/weights.bin", weights));
        (await dev.Http.PostAsJsonAsync(Models(project), new { name = "iris" })).EnsureSuccessStatusCode();

        var version = await RegisterAsync(dev, project, "iris", $"{run}/model");

        using var admin = server.Admin();
        var manifest = await ManifestAsync(admin.Http, $"{project}/models/iris", "v1");
        var layers = manifest.GetProperty("layers").EnumerateArray().ToList();
        var raw = new Dictionary<string, byte[]> { ["data/weights.bin"] = weights, ["model.onnx"] = onnx };
        Assert.Equal(["data/weights.bin", "model.onnx"], layers.Select(l => l.GetProperty("annotations").GetProperty("org.opencontainers.image.title").GetString()));
        foreach (var layer in layers)
        {
            var title = layer.GetProperty("annotations").GetProperty("org.opencontainers.image.title").GetString()!;
            var blob = await admin.Http.GetByteArrayAsync($"/v2/{project}/models/iris/blobs/{layer.GetProperty("digest").GetString()}");
            var entries = ReadTar(blob);

            Assert.Equal(TarLayer, layer.GetProperty("mediaType").GetString());
            Assert.Equal((Sha256(blob), (long)blob.Length), (layer.GetProperty("digest").GetString(), layer.GetProperty("size").GetInt64()));
            Assert.Equal(Sha256(raw[title]), layer.GetProperty("annotations").GetProperty("vnd.wharf.model.file.digest").GetString());
            Assert.Equal(raw[title].Length.ToString(System.Globalization.CultureInfo.InvariantCulture), layer.GetProperty("annotations").GetProperty("vnd.wharf.model.file.size").GetString());
            var expectedNames = title == "model.onnx" ? new[] { "model/", "model/model.onnx" } : ["model/", "model/data/", "model/data/weights.bin"];
            Assert.Equal(expectedNames, entries.Select(e => e.Name));
            Assert.All(entries, e => Assert.Equal((DateTimeOffset.UnixEpoch, 0, 0), (e.ModificationTime, e.Uid, e.Gid)));
            var file = entries[^1];
            Assert.Equal(TarEntryType.RegularFile, file.EntryType);
            Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.GroupRead | UnixFileMode.OtherRead, file.Mode);
            Assert.Equal(raw[title], file.Content);
        }

        // The API and the config say the raw files; the API also names the layer that carries each.
        Assert.Equal(
            [("data/weights.bin", Sha256(weights), (long)weights.Length), ("model.onnx", Sha256(onnx), (long)onnx.Length)],
            version.Files.Select(f => (f.Path, f.Digest, f.Size)));
        Assert.Equal(layers.Select(l => l.GetProperty("digest").GetString()), version.Files.Select(f => f.LayerDigest));
        Assert.All(version.Files, f => Assert.Equal(TarLayer, f.LayerMediaType));
        var config = JsonDocument.Parse(await admin.Http.GetByteArrayAsync(
            $"/v2/{project}/models/iris/blobs/{manifest.GetProperty("config").GetProperty("digest").GetString()}")).RootElement;
        Assert.Equal(
            [("data/weights.bin", Sha256(weights), (long)weights.Length), ("model.onnx", Sha256(onnx), (long)onnx.Length)],
            config.GetProperty("files").EnumerateArray().Select(f => (f.GetProperty("path").GetString(), f.GetProperty("digest").GetString(), f.GetProperty("size").GetInt64())));
        Assert.Equal("input", config.GetProperty("signature").GetProperty("onnx")[0].GetProperty("inputs")[0].GetProperty("name").GetString());
    }

    [Fact]
    public async Task Register_SameFileAgainInAnotherVersionAndRun_SameLayerDigestStoredOnce()
    {
        await using var server = await TrackingTestServer.StartAsync(Postgres);
        var project = ModelTestFiles.Project();
        using var dev = await server.DeveloperOfAsync(project);
        byte[] weights = [.. Enumerable.Range(0, 5000).Select(i => (byte)(i * 13))];
        var (_, first) = await ModelTestFiles.RunWithFilesAsync(dev, ("model/weights.bin", weights));
        var (_, second) = await ModelTestFiles.RunWithFilesAsync(dev, ("model/weights.bin", weights));
        (await dev.Http.PostAsJsonAsync(Models(project), new { name = "m" })).EnsureSuccessStatusCode();
        var blobs = server.Services.GetRequiredService<IBlobStore>();

        var v1 = await RegisterAsync(dev, project, "m", $"{first}/model");
        var before = await blobs.GetUsageAsync();
        var v2 = await RegisterAsync(dev, project, "m", $"{first}/model");
        // Neither the registration time nor SOURCE_DATE_EPOCH may change a version's bytes.
        var epoch = Environment.GetEnvironmentVariable("SOURCE_DATE_EPOCH");
        Environment.SetEnvironmentVariable("SOURCE_DATE_EPOCH", "1700000000");
        ModelVersionInfo v3;
        try
        {
            v3 = await RegisterAsync(dev, project, "m", $"{second}/model");
        }
        finally
        {
            Environment.SetEnvironmentVariable("SOURCE_DATE_EPOCH", epoch);
        }

        var after = await blobs.GetUsageAsync();

        var layer = Assert.Single(v1.Files).LayerDigest;
        Assert.NotNull(layer);
        Assert.Equal(layer, Assert.Single(v2.Files).LayerDigest);
        Assert.Equal(layer, Assert.Single(v3.Files).LayerDigest);
        Assert.NotEqual(v1.Digest, v2.Digest);
        // Two versions more, and the only new blobs are their two config blobs: the layer is stored once.
        Assert.Equal(before.Count + 2, after.Count);
    }

    private static List<(string Name, TarEntryType EntryType, DateTimeOffset ModificationTime, int Uid, int Gid, UnixFileMode Mode, byte[] Content)> ReadTar(byte[] tar)
    {
        var entries = new List<(string, TarEntryType, DateTimeOffset, int, int, UnixFileMode, byte[])>();
        using var reader = new TarReader(new MemoryStream(tar));
        while (reader.GetNextEntry() is { } entry)
        {
            using var content = new MemoryStream();
            entry.DataStream?.CopyTo(content);
            entries.Add((entry.Name, entry.EntryType, entry.ModificationTime, entry.Uid, entry.Gid, entry.Mode, content.ToArray()));
        }

        return entries;
    }
}
