using Xunit.Abstractions;
using System.Formats.Tar;
using System.Net;
using Wharf.Serving.Hosting;
using Wharf.Serving.Tests.Infrastructure;
using static Wharf.Serving.Tests.Sources.ModelArtifacts;

namespace Wharf.Serving.Tests.Sources;

/// <summary>Models from OCI layouts written in the test: both layer formats, the cache, and hostile artifacts.</summary>
public sealed class OciLayoutSourceTests(ITestOutputHelper output) : IDisposable
{
    private readonly TempDirectory directory = new();

    public void Dispose() => directory.Dispose();

    [Fact]
    public async Task TarLayerLayout_NamedRef_ServesTheModelNamedAndVersionedByItsRef()
    {
        var layout = await WriteLayoutAsync(directory.Combine("layout"), "models/iris:v3",
            TarLayer("model.onnx", IrisOnnx.Bytes), TarLayer("docs/README.md", "iris"u8.ToArray()));

        await using var factory = Factory(("Serving:Models:0:Source", $"oci:{layout}:models/iris:v3"));
        using var client = await ReadyClientAsync(factory);

        AssertReady((await IrisOnnx.IndexAsync(client))["iris:3"]);
        await IrisOnnx.AssertPredictsAsync(client, "iris", "3");
        var cached = Assert.Single(Directory.GetDirectories(directory.Combine("cache")));
        Assert.StartsWith("sha256-", Path.GetFileName(cached), StringComparison.Ordinal);
        Assert.Equal("iris", File.ReadAllText(Path.Combine(cached, "docs", "README.md")));
    }

    [Fact]
    public async Task RawLayerLayout_OnlyManifest_ServesTheModelNamedAfterTheDirectoryWithVersion1()
    {
        var layout = await WriteLayoutAsync(directory.Combine("flowers"), "latest", RawLayer("model.onnx", IrisOnnx.Bytes));

        await using var factory = Factory(("Serving:Models:0:Source", $"oci:{layout}"));
        using var client = await ReadyClientAsync(factory);

        AssertReady((await IrisOnnx.IndexAsync(client))["flowers:1"]);
        await IrisOnnx.AssertPredictsAsync(client, "flowers");
    }

    [Fact]
    public async Task CommandLineModel_LayoutDirectoryAndName_ServesItUnderTheName()
    {
        var layout = await WriteLayoutAsync(directory.Combine("layout"), "v7", TarLayer("sub/iris.onnx", IrisOnnx.Bytes), TarLayer("other.onnx", IrisOnnx.Bytes));
        var args = ServingCommandLine.Normalize(["--model", $"oci:{layout}:v7", "--Serving:Models:0:Name=flower", "--Serving:Models:0:File=sub/iris.onnx"]);
        Assert.Equal(["--Serving:Models:0:Source", $"oci:{layout}:v7", "--Serving:Models:0:Name=flower", "--Serving:Models:0:File=sub/iris.onnx"], args);

        await using var factory = Factory(("Serving:Models:0:Source", $"oci:{layout}:v7"), ("Serving:Models:0:Name", "flower"), ("Serving:Models:0:File", "sub/iris.onnx"));
        using var client = await ReadyClientAsync(factory);

        await IrisOnnx.AssertPredictsAsync(client, "flower", "7");
    }

    [Fact]
    public async Task TwoSourcesOfOneModel_ServeAsItsVersionsHighestByDefault()
    {
        var layout = await WriteLayoutAsync(directory.Combine("layout"), "models/iris:v2", TarLayer("model.onnx", IrisOnnx.Bytes));
        await WriteLayoutAsync(layout, "models/iris:v10", RawLayer("model.onnx", IrisOnnx.Bytes));

        await using var factory = Factory(("Serving:Models:0:Source", $"oci:{layout}:models/iris:v10"), ("Serving:Models:1:Source", $"oci:{layout}:models/iris:v2"));
        using var client = await ReadyClientAsync(factory);

        Assert.Equal(["iris:2", "iris:10"], (await IrisOnnx.IndexAsync(client)).Keys);
        var (_, body) = await client.PostJsonAsync("/v2/models/iris/infer", """{"inputs":[{"name":"input","datatype":"FP32","shape":[1,4],"data":[5.1,3.5,1.4,0.2]}]}""");
        Assert.Equal("10", body.GetProperty("model_version").GetString());
        await IrisOnnx.AssertPredictsAsync(client, "iris", "2");
        Assert.Equal(2, Directory.GetDirectories(directory.Combine("cache")).Length);
    }

    [Fact]
    public async Task ConfiguredCache_SecondServer_UsesTheVerifiedCopyByDigestWithoutReadingLayers()
    {
        var layer = TarLayer("model.onnx", IrisOnnx.Bytes);
        var layout = await WriteLayoutAsync(directory.Combine("layout"), "v4", layer);
        await using (var first = Factory(("Serving:Models:0:Source", $"oci:{layout}:v4")))
        {
            using var client = await ReadyClientAsync(first);
        }

        // The layer is gone from the layout; only the manifest is read again, and its digest names the cached copy.
        File.Delete(Path.Combine(layout, "blobs", "sha256", layer.Descriptor.Digest.Hex));
        await using var second = Factory(("Serving:Models:0:Source", $"oci:{layout}:v4"));
        using var again = await ReadyClientAsync(second);

        await IrisOnnx.AssertPredictsAsync(again, "layout", "4");
    }

    [Fact]
    public async Task LocalDirectorySource_WithOneOnnxFile_ServesIt()
    {
        File.WriteAllBytes(directory.Combine("iris.onnx"), IrisOnnx.Bytes);
        Directory.CreateDirectory(directory.Combine("pulled"));
        File.WriteAllBytes(directory.Combine("pulled", "model.onnx"), IrisOnnx.Bytes);

        await using var factory = Factory(("Serving:Models:0:Source", directory.Combine("pulled")), ("Serving:Models:1:Source", directory.Combine("iris.onnx")));
        using var client = await ReadyClientAsync(factory);

        await IrisOnnx.AssertPredictsAsync(client, "pulled");
        await IrisOnnx.AssertPredictsAsync(client, "iris");
    }

    [Fact]
    public async Task HostileArtifacts_EachModelUnavailableWithItsReason_OthersServeAndNothingEscapes()
    {
        var good = await WriteLayoutAsync(directory.Combine("good"), "v1", TarLayer("model.onnx", IrisOnnx.Bytes));
        var dotdot = await WriteLayoutAsync(directory.Combine("dotdot"), "v1",
            HostileTarLayer("model.onnx", TarFile("model/model.onnx", IrisOnnx.Bytes), TarFile("../x", "escaped"u8.ToArray())));
        var nested = await WriteLayoutAsync(directory.Combine("nested"), "v1",
            HostileTarLayer("model.onnx", TarFile("model/../../x", "escaped"u8.ToArray())));
        var symlink = await WriteLayoutAsync(directory.Combine("symlink"), "v1",
            HostileTarLayer("model.onnx", new PaxTarEntry(TarEntryType.SymbolicLink, "model/model.onnx") { LinkName = "/etc/passwd" }));
        var absolute = await WriteLayoutAsync(directory.Combine("absolute"), "v1",
            HostileTarLayer("model.onnx", TarFile(directory.Combine("absolute-x"), "escaped"u8.ToArray())));
        var device = await WriteLayoutAsync(directory.Combine("device"), "v1",
            HostileTarLayer("model.onnx", new PaxTarEntry(TarEntryType.CharacterDevice, "model/null")));
        var traversalTitle = await WriteLayoutAsync(directory.Combine("title"), "v1", RawLayer("../../title-x.onnx", IrisOnnx.Bytes));
        var corruptLayer = TarLayer("model.onnx", IrisOnnx.Bytes);
        var corrupt = await WriteLayoutAsync(directory.Combine("corrupt"), "v1", corruptLayer);
        Corrupt(corrupt, corruptLayer, 1024 + 100);
        var corruptRawLayer = RawLayer("model.onnx", IrisOnnx.Bytes);
        var corruptRaw = await WriteLayoutAsync(directory.Combine("corruptraw"), "v1", corruptRawLayer);
        Corrupt(corruptRaw, corruptRawLayer, 10);
        var gzip = await WriteLayoutAsync(directory.Combine("gzip"), "v1", new Layer("application/vnd.oci.image.layer.v1.tar+gzip", [1, 2, 3], "model.onnx"));

        var sources = new (string Name, string Source)[]
        {
            ("good", $"oci:{good}:v1"), ("dotdot", $"oci:{dotdot}:v1"), ("nested", $"oci:{nested}:v1"), ("symlink", $"oci:{symlink}:v1"),
            ("absolute", $"oci:{absolute}:v1"), ("device", $"oci:{device}:v1"), ("title", $"oci:{traversalTitle}:v1"),
            ("corrupt", $"oci:{corrupt}:v1"), ("corruptraw", $"oci:{corruptRaw}:v1"), ("unknowntag", $"oci:{good}:v9"),
            ("gzip", $"oci:{gzip}:v1"), ("nolayout", $"oci:{directory.Combine("missing")}:v1"),
        };
        var settings = sources.SelectMany((s, i) => new[] { ($"Serving:Models:{i}:Source", s.Source), ($"Serving:Models:{i}:Name", s.Name) }).ToArray();
        await using var factory = Factory(settings);
        using var client = await factory.CreateStartedClientAsync();

        var index = await IrisOnnx.IndexAsync(client);
        foreach (var (key, status) in index)
        {
            output.WriteLine($"{key}: {status.State} {status.Reason}");
        }

        AssertReady(index["good:1"]);
        AssertUnavailable(index["dotdot:1"], "'../x' is not a relative path under model/");
        AssertUnavailable(index["nested:1"], "'model/../../x' is not a relative path under model/");
        AssertUnavailable(index["symlink:1"], "SymbolicLink entry 'model/model.onnx'");
        AssertUnavailable(index["absolute:1"], "is not a relative path under model/");
        AssertUnavailable(index["device:1"], "CharacterDevice entry");
        AssertUnavailable(index["title:1"], "needs an org.opencontainers.image.title annotation that is a relative path");
        AssertUnavailable(index["corrupt:1"], "fails verification");
        AssertUnavailable(index["corruptraw:1"], "fails verification");
        AssertUnavailable(index["unknowntag:9"], "has no manifest named 'v9'");
        AssertUnavailable(index["gzip:1"], "media type 'application/vnd.oci.image.layer.v1.tar+gzip'");
        AssertUnavailable(index["nolayout:1"], "is not an OCI image layout");

        using var ready = await client.GetAsync("/v2/health/ready");
        Assert.Equal(HttpStatusCode.ServiceUnavailable, ready.StatusCode);
        await IrisOnnx.AssertPredictsAsync(client, "good");
        ServingClient.AssertError(HttpStatusCode.ServiceUnavailable,
            await client.PostJsonAsync("/v2/models/symlink/infer", """{"inputs":[{"name":"input","datatype":"FP32","shape":[1,4],"data":[1,2,3,4]}]}"""), "SymbolicLink");

        // Nothing was written outside the cache, no staging directory is left, and only the good model is cached.
        Assert.False(System.IO.File.Exists(directory.Combine("x")));
        Assert.False(System.IO.File.Exists(directory.Combine("absolute-x")));
        Assert.False(System.IO.File.Exists(directory.Combine("title-x.onnx")));
        Assert.Single(Directory.GetDirectories(directory.Combine("cache")));
    }

    [Fact]
    public async Task SeveralOnnxFiles_WithoutFile_UnavailableAskingToChoose()
    {
        var layout = await WriteLayoutAsync(directory.Combine("two"), "v2", TarLayer("a.onnx", IrisOnnx.Bytes), TarLayer("b.onnx", IrisOnnx.Bytes));

        await using var factory = Factory(("Serving:Models:0:Source", $"oci:{layout}:v2"));
        using var client = await factory.CreateStartedClientAsync();

        AssertUnavailable((await IrisOnnx.IndexAsync(client))["two:2"], "several .onnx files (a.onnx, b.onnx); choose one with Serving:Models:<i>:File");
    }

    [Fact]
    public async Task InvalidSource_RefusedAtStartWithTheKey()
    {
        // Started directly: through WebApplicationFactory a failed start can surface as ObjectDisposedException from
        // its deferred host instead of the start-up error (see ServingOptionsTests).
        await using var app = ServingApp.Build(
            ["--urls", "http://127.0.0.1:0", "--Serving:CacheDirectory", directory.Combine("cache"), "--Serving:Models:0:Source", "not a source"]);

        var exception = await Assert.ThrowsAnyAsync<Exception>(() => app.StartAsync());
        Assert.Contains("Serving:Models:0:Source", exception.ToString(), StringComparison.Ordinal);
    }

    private static void AssertUnavailable((string State, string? Reason) status, string reason)
    {
        Assert.Equal("UNAVAILABLE", status.State);
        Assert.True(status.Reason?.Contains(reason, StringComparison.Ordinal) == true, $"expected '{reason}' in: {status.Reason}");
    }

    internal static void AssertReady((string State, string? Reason) status) => Assert.True(status.State == "READY", $"{status.State}: {status.Reason}");

    /// <summary>Waits for start-up to finish and asserts the server is ready, showing the index when it is not.</summary>
    internal static async Task<HttpClient> ReadyClientAsync(ServingFactory factory)
    {
        var client = await factory.CreateStartedClientAsync();
        using var ready = await client.GetAsync("/v2/health/ready");
        Assert.True(ready.StatusCode == HttpStatusCode.OK, await ready.Content.ReadAsStringAsync());
        return client;
    }

    private ServingFactory Factory(params (string Key, string Value)[] settings)
    {
        var all = settings.ToDictionary(s => s.Key, s => (string?)s.Value);
        all["Serving:CacheDirectory"] = directory.Combine("cache");
        return new ServingFactory(all);
    }
}
