using System.Runtime.Versioning;
using System.Text;
using System.Text.Json;
using Wharf.Oci.Building;
using Wharf.Oci.Layout;
using Wharf.Oci.Tests.Layout;

namespace Wharf.Oci.Tests.Building;

[SupportedOSPlatform("linux")]
public sealed class ImageBuilderTests : IDisposable
{
    private static readonly DateTimeOffset Fixed = DateTimeOffset.FromUnixTimeSeconds(1_700_000_000);
    private readonly TempDir _temp = new();

    public void Dispose() => _temp.Dispose();

    [Fact]
    public async Task BuildAsync_SameInputsTwiceInDifferentDirs_SameManifestDigest()
    {
        var baseLayout = await MakeBaseLayoutAsync();
        var (runtimeA, modelA) = MakeInputs(_temp.Combine("a"));
        var (runtimeB, modelB) = MakeInputs(_temp.Combine("other", "b"));
        foreach (var file in Directory.EnumerateFiles(_temp.Combine("other", "b"), "*", SearchOption.AllDirectories))
        {
            File.SetLastWriteTimeUtc(file, new DateTime(2020, 1, 1, 0, 0, 0, DateTimeKind.Utc));
            File.SetUnixFileMode(file, File.GetUnixFileMode(file) | UnixFileMode.GroupWrite | UnixFileMode.OtherWrite);
        }

        var outA = await OciImageLayout.CreateAsync(_temp.Combine("out-a"));
        var outB = await OciImageLayout.CreateAsync(_temp.Combine("out-b"));

        var first = await ModelImage(baseLayout, runtimeA, modelA).BuildAsync(new OciLayoutImageSink(outA), "iris-v1");
        var second = await ModelImage(baseLayout, runtimeB, modelB).BuildAsync(new OciLayoutImageSink(outB), "iris-v1");
        var again = await ModelImage(baseLayout, runtimeA, modelA).BuildAsync(new OciLayoutImageSink(outA), "iris-v1");

        Assert.Equal(first.Manifest, second.Manifest);
        Assert.Equal(first.Config, second.Config);
        Assert.Equal(first.Manifest, again.Manifest);
        Assert.Equal(File.ReadAllBytes(_temp.Combine("out-a", "index.json")), File.ReadAllBytes(_temp.Combine("out-b", "index.json")));
    }

    [Fact]
    public async Task BuildAsync_OneModelFileChanged_OnlyModelLayerConfigAndManifestWritten()
    {
        var baseLayout = await MakeBaseLayoutAsync();
        var (runtime, model) = MakeInputs(_temp.Combine("in"));
        var output = await OciImageLayout.CreateAsync(_temp.Combine("out"));
        var v1 = await ModelImage(baseLayout, runtime, model).BuildAsync(new OciLayoutImageSink(output), "iris");
        var blobsBefore = BlobNames(output);
        File.WriteAllText(Path.Combine(model, "model.onnx"), "weights version 2");

        var v2 = await ModelImage(baseLayout, runtime, model).BuildAsync(new OciLayoutImageSink(output), "iris");

        Assert.Equal(v1.Layers.Count, v2.Layers.Count);
        for (var i = 0; i < v1.Layers.Count - 1; i++)
        {
            Assert.Equal(v1.Layers[i].Descriptor, v2.Layers[i].Descriptor);
            Assert.Equal(0, v2.Layers[i].BytesWritten);
        }

        Assert.NotEqual(v1.Layers[^1].Descriptor.Digest, v2.Layers[^1].Descriptor.Digest);
        Assert.NotEqual(v1.Config.Digest, v2.Config.Digest);
        Assert.NotEqual(v1.Manifest.Digest, v2.Manifest.Digest);
        Assert.Equal(v2.Layers[^1].Descriptor.Size + v2.Config.Size + v2.Manifest.Size, v2.BytesWritten);
        var added = BlobNames(output).Except(blobsBefore).Order(StringComparer.Ordinal).ToList();
        Assert.Equal(new[] { v2.Layers[^1].Descriptor.Digest.Hex, v2.Config.Digest.Hex, v2.Manifest.Digest.Hex }.Order(StringComparer.Ordinal), added);
        Assert.Equal(v2.Manifest.Digest, (await output.ResolveAsync("iris")).Digest);
    }

    [Fact]
    public async Task BuildAsync_UnchangedRebuildWithCache_WritesNoBlobsAndSkipsBuilding()
    {
        var baseLayout = await MakeBaseLayoutAsync();
        var (runtime, model) = MakeInputs(_temp.Combine("in"));
        var output = await OciImageLayout.CreateAsync(_temp.Combine("out"));
        var cache = new LayerCache();
        var options = new ImageBuilderOptions { Created = Fixed, LayerCache = cache };

        var first = await ModelImage(baseLayout, runtime, model, options).BuildAsync(new OciLayoutImageSink(output), "iris");
        var second = await ModelImage(baseLayout, runtime, model, options).BuildAsync(new OciLayoutImageSink(output), "iris");

        Assert.True(first.Layers.All(l => l.Written));
        Assert.All(second.Layers, l => Assert.Equal(0, l.BytesWritten));
        Assert.All(second.Layers.Where(l => l.Origin == LayerOrigin.Built), l => Assert.True(l.FromCache));
        Assert.Equal(0, second.ConfigBytesWritten);
        Assert.Equal(second.Manifest.Size, second.BytesWritten);
        Assert.Equal(first.Manifest, second.Manifest);
        Assert.Equal(2, cache.Count);
    }

    [Fact]
    public async Task BuildAsync_FileChangedAfterAddWithCache_NotServedFromCache()
    {
        var baseLayout = await MakeBaseLayoutAsync();
        var (runtime, model) = MakeInputs(_temp.Combine("in"));
        var output = await OciImageLayout.CreateAsync(_temp.Combine("out"));
        var options = new ImageBuilderOptions { Created = Fixed, LayerCache = new LayerCache() };
        var first = await ModelImage(baseLayout, runtime, model, options).BuildAsync(new OciLayoutImageSink(output), "iris");
        var builder = ModelImage(baseLayout, runtime, model, options);
        File.WriteAllText(Path.Combine(model, "model.onnx"), "weights version 9"); // same length, new content and time
        File.SetLastWriteTimeUtc(Path.Combine(model, "model.onnx"), DateTime.UtcNow.AddMinutes(1));

        var second = await builder.BuildAsync(new OciLayoutImageSink(output), "iris");

        Assert.True(second.Layers[1].FromCache);
        Assert.False(second.Layers[2].FromCache);
        Assert.NotEqual(first.Layers[2].Descriptor.Digest, second.Layers[2].Descriptor.Digest);
    }

    [Fact]
    public async Task BuildAsync_ExistingLayerAppended_KeepsItsDigestAndBytes()
    {
        var store = await OciImageLayout.CreateAsync(_temp.Combine("model-store"));
        var (_, model) = MakeInputs(_temp.Combine("in"));
        using var tar = new MemoryStream();
        var stored = await new DeterministicLayer().AddDirectoryTree(model, "/models/iris").WriteAsync(tar, LayerCompression.None, Fixed);
        tar.Position = 0;
        await store.WriteBlobAsync(tar, stored.Descriptor.Digest, stored.Descriptor.Size);
        var output = await OciImageLayout.CreateAsync(_temp.Combine("out"));

        var builder = new ImageBuilder(new ImageBuilderOptions { Created = Fixed })
            .AddExistingLayer(stored.Descriptor, stored.DiffId, new OciLayoutImageSource(store), "wharf: model iris v1 (stored layer)");
        var result = await builder.BuildAsync(new OciLayoutImageSink(output), "iris");

        var layer = Assert.Single(result.Layers);
        Assert.Equal(stored.Descriptor, layer.Descriptor);
        Assert.Equal(LayerOrigin.Existing, layer.Origin);
        Assert.Equal(tar.ToArray(), File.ReadAllBytes(Path.Combine(output.RootPath, "blobs", "sha256", stored.Descriptor.Digest.Hex)));
        var image = await output.ResolveImageAsync(await output.ResolveAsync("iris"));
        Assert.Equal(stored.Descriptor.Digest, Assert.Single(image.Manifest.Layers).Digest);
        using var config = await ReadConfigAsync(output, image);
        Assert.Equal(stored.DiffId.ToString(), config.RootElement.GetProperty("rootfs").GetProperty("diff_ids")[0].GetString());
    }

    [Fact]
    public void AddExistingLayer_TarWhoseDiffIdIsNotItsDigest_Refused()
    {
        var layer = new Descriptor(MediaTypes.OciLayerTar, Digest.Sha256("a"u8), 1);

        var ex = Assert.Throws<ImageBuildException>(() => new ImageBuilder().AddExistingLayer(layer, Digest.Sha256("b"u8), _ => Task.FromResult<Stream>(new MemoryStream()), "x"));

        Assert.Contains("diff_id must be its digest", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task BuildAsync_BaseIndex_PicksLinuxAmd64AndExtendsItsConfig()
    {
        var baseLayout = await MakeBaseLayoutAsync();
        var baseAmd = await baseLayout.ResolveImageAsync(await baseLayout.ResolveAsync("base-amd64"));
        var (runtime, model) = MakeInputs(_temp.Combine("in"));
        var output = await OciImageLayout.CreateAsync(_temp.Combine("out"));

        var result = await ModelImage(baseLayout, runtime, model).BuildAsync(new OciLayoutImageSink(output), "iris");

        var image = await output.ResolveImageAsync(await output.ResolveAsync("iris"));
        Assert.Equal(MediaTypes.OciManifest, image.Manifest.MediaType);
        Assert.Equal(baseAmd.Manifest.Layers[0], image.Manifest.Layers[0]);
        Assert.Equal(LayerOrigin.Base, result.Layers[0].Origin);
        Assert.Equal(3, image.Manifest.Layers.Count);
        Assert.Equal(MediaTypes.OciLayerTar, image.Manifest.Layers[2].MediaType);
        Assert.Equal(baseAmd.Descriptor.Digest.ToString(), image.Manifest.Annotations!["org.opencontainers.image.base.digest"]);
        Assert.Equal("iris", image.Manifest.Annotations["org.opencontainers.image.title"]);

        using var config = await ReadConfigAsync(output, image);
        var root = config.RootElement;
        Assert.Equal("amd64", root.GetProperty("architecture").GetString());
        Assert.Equal("2023-11-14T22:13:20Z", root.GetProperty("created").GetString());
        Assert.Equal(result.Layers.Select(l => l.DiffId.ToString()), root.GetProperty("rootfs").GetProperty("diff_ids").EnumerateArray().Select(d => d.GetString()));
        var history = root.GetProperty("history").EnumerateArray().ToList();
        Assert.Equal(["base rootfs amd64", "wharf: serving runtime", "wharf: model iris v1"], history.Select(h => h.GetProperty("created_by").GetString()));
        Assert.All(history, h => Assert.Equal("2023-11-14T22:13:20Z", h.GetProperty("created").GetString()));
        var c = root.GetProperty("config");
        Assert.Equal(["/opt/wharf-serve/wharf-serve"], c.GetProperty("Entrypoint").EnumerateArray().Select(e => e.GetString()));
        Assert.Equal(["--model", "/models/iris"], c.GetProperty("Cmd").EnumerateArray().Select(e => e.GetString()));
        Assert.Equal(["PATH=/usr/bin:/bin", "WHARF_MODEL=iris"], c.GetProperty("Env").EnumerateArray().Select(e => e.GetString()));
        Assert.Equal("/models/iris", c.GetProperty("WorkingDir").GetString());
        Assert.True(c.GetProperty("ExposedPorts").TryGetProperty("8080/tcp", out _));
        Assert.Equal("base", c.GetProperty("Labels").GetProperty("from.base").GetString());
        Assert.Equal("iris", c.GetProperty("Labels").GetProperty("wharf.model.name").GetString());
        Assert.Equal("sha256:0000000000000000000000000000000000000000000000000000000000000001", c.GetProperty("Labels").GetProperty("wharf.model.digest").GetString());
        var configBytes = File.ReadAllBytes(Path.Combine(output.RootPath, "blobs", "sha256", image.Manifest.Config!.Digest.Hex));
        Assert.DoesNotContain((byte)'\n', configBytes);
        Assert.DoesNotContain((byte)' ', configBytes.TakeWhile(b => b != (byte)'"'));
    }

    [Fact]
    public async Task BuildAsync_BaseIndexWithoutLinuxAmd64_ErrorListsPlatformsAndNothingNamed()
    {
        var baseLayout = await MakeBaseLayoutAsync(architectures: ["arm64", "s390x"]);
        var (runtime, model) = MakeInputs(_temp.Combine("in"));
        var output = await OciImageLayout.CreateAsync(_temp.Combine("out"));
        var indexBefore = File.ReadAllBytes(Path.Combine(output.RootPath, "index.json"));

        var ex = await Assert.ThrowsAsync<NoMatchingPlatformException>(() => ModelImage(baseLayout, runtime, model).BuildAsync(new OciLayoutImageSink(output), "iris"));

        Assert.Contains("no linux/amd64 image; it has: linux/arm64, linux/s390x", ex.Message, StringComparison.Ordinal);
        Assert.Equal(indexBefore, File.ReadAllBytes(Path.Combine(output.RootPath, "index.json")));
    }

    [Theory]
    [InlineData("port", "http")]
    [InlineData("port", "8080/quic")]
    [InlineData("env", "A=B")]
    [InlineData("env", "")]
    public async Task BuildAsync_BadSetting_RefusedBeforeAnythingIsWritten(string kind, string value)
    {
        var output = await OciImageLayout.CreateAsync(_temp.Combine("out"));
        var builder = new ImageBuilder(new ImageBuilderOptions { Created = Fixed })
            .AddLayer(new DeterministicLayer().AddFile("/a", 1, _ => Task.FromResult<Stream>(new MemoryStream([1]))), "a");
        if (kind == "port")
        {
            builder.ExposedPorts.Add(value);
        }
        else
        {
            builder.Env[value] = "x";
        }

        var ex = await Assert.ThrowsAsync<ImageBuildException>(() => builder.BuildAsync(new OciLayoutImageSink(output), "iris"));

        Assert.Contains(kind == "port" ? "exposed port" : "environment variable name", ex.Message, StringComparison.Ordinal);
        Assert.Empty(Directory.EnumerateFileSystemEntries(Path.Combine(output.RootPath, "blobs")));
    }

    [Fact]
    public async Task BuildAsync_BaseReferenceMissing_ClearError()
    {
        var baseLayout = await MakeBaseLayoutAsync();
        var output = await OciImageLayout.CreateAsync(_temp.Combine("out"));

        var ex = await Assert.ThrowsAsync<ImageBuildException>(() => new ImageBuilder(new ImageBuilderOptions { Created = Fixed })
            .FromBase(new OciLayoutImageSource(baseLayout), "does-not-exist")
            .BuildAsync(new OciLayoutImageSink(output), "iris"));

        Assert.Contains("no manifest named 'does-not-exist'", ex.Message, StringComparison.Ordinal);
        Assert.Contains("'base'", ex.Message, StringComparison.Ordinal);
        Assert.Empty(await output.GetManifestsAsync());
    }

    [Fact]
    public async Task BuildAsync_BaseConfigDiffIdsDisagreeWithLayers_ClearErrorAndNothingNamed()
    {
        var baseLayout = await OciImageLayout.CreateAsync(_temp.Combine("bad-base"));
        var config = await baseLayout.WriteBlobAsync(new MemoryStream("""{"architecture":"amd64","os":"linux","rootfs":{"type":"layers","diff_ids":[]}}"""u8.ToArray()));
        var layer = await baseLayout.WriteBlobAsync(new MemoryStream("not even a tar"u8.ToArray()));
        var manifest = Encoding.UTF8.GetBytes($$"""
            {"schemaVersion":2,"mediaType":"application/vnd.oci.image.manifest.v1+json",
             "config":{"mediaType":"application/vnd.oci.image.config.v1+json","digest":"{{config.Digest}}","size":{{config.Size}}},
             "layers":[{"mediaType":"application/vnd.oci.image.layer.v1.tar","digest":"{{layer.Digest}}","size":{{layer.Size}}}]}
            """);
        await baseLayout.WriteManifestAsync(manifest, MediaTypes.OciManifest, "base");
        var output = await OciImageLayout.CreateAsync(_temp.Combine("out"));

        var ex = await Assert.ThrowsAsync<ImageBuildException>(() => new ImageBuilder(new ImageBuilderOptions { Created = Fixed })
            .FromBase(new OciLayoutImageSource(baseLayout), "base")
            .BuildAsync(new OciLayoutImageSink(output), "iris"));

        Assert.Contains("one valid rootfs.diff_ids entry per layer (1)", ex.Message, StringComparison.Ordinal);
        Assert.Empty(await output.GetManifestsAsync());
    }

    [Fact]
    public async Task BuildAsync_DockerSchema2Base_LayersKeptWithOciMediaTypes()
    {
        var baseLayout = await OciImageLayout.CreateAsync(_temp.Combine("docker-base"));
        using var tar = new MemoryStream();
        var rootfs = await new DeterministicLayer().AddFile("/etc/hostname", 4, _ => Task.FromResult<Stream>(new MemoryStream("base"u8.ToArray())))
            .WriteAsync(tar, LayerCompression.Gzip, Fixed);
        tar.Position = 0;
        await baseLayout.WriteBlobAsync(tar, rootfs.Descriptor.Digest);
        var config = await baseLayout.WriteBlobAsync(new MemoryStream(Encoding.UTF8.GetBytes(
            $$$"""{"architecture":"amd64","os":"linux","config":{"Cmd":["sh"]},"rootfs":{"type":"layers","diff_ids":["{{{rootfs.DiffId}}}"]}}""")));
        var manifest = Encoding.UTF8.GetBytes($$"""
            {"schemaVersion":2,"mediaType":"{{MediaTypes.DockerManifest}}",
             "config":{"mediaType":"{{MediaTypes.DockerConfig}}","digest":"{{config.Digest}}","size":{{config.Size}}},
             "layers":[{"mediaType":"{{MediaTypes.DockerLayerGzip}}","digest":"{{rootfs.Descriptor.Digest}}","size":{{rootfs.Descriptor.Size}}}]}
            """);
        await baseLayout.WriteManifestAsync(manifest, MediaTypes.DockerManifest, "docker");
        var output = await OciImageLayout.CreateAsync(_temp.Combine("out"));

        var result = await new ImageBuilder(new ImageBuilderOptions { Created = Fixed })
            .FromBase(new OciLayoutImageSource(baseLayout), "docker")
            .AddLayer(new DeterministicLayer().AddFile("/a", 1, _ => Task.FromResult<Stream>(new MemoryStream([1]))), "a")
            .BuildAsync(new OciLayoutImageSink(output), "iris");

        var image = await output.ResolveImageAsync(await output.ResolveAsync("iris"));
        Assert.Equal(MediaTypes.OciManifest, image.Manifest.MediaType);
        Assert.Equal(MediaTypes.OciConfig, image.Manifest.Config!.MediaType);
        Assert.Equal(MediaTypes.OciLayerGzip, image.Manifest.Layers[0].MediaType);
        Assert.Equal(rootfs.Descriptor.Digest, image.Manifest.Layers[0].Digest);
        Assert.Equal(rootfs.DiffId, result.Layers[0].DiffId);
    }

    [Fact]
    public async Task Build_ModelFileWithTraversalName_RefusedAndLayoutUnchanged()
    {
        var output = await OciImageLayout.CreateAsync(_temp.Combine("out"));
        var indexBefore = File.ReadAllBytes(Path.Combine(output.RootPath, "index.json"));
        var layer = new DeterministicLayer();

        var ex = Assert.Throws<ImageBuildException>(() => layer.AddFileUnder("/models/iris", "../../etc/cron.d/evil", 1, _ => Task.FromResult<Stream>(new MemoryStream([1]))));

        Assert.Contains("'..' segment (path traversal)", ex.Message, StringComparison.Ordinal);
        Assert.Equal(indexBefore, File.ReadAllBytes(Path.Combine(output.RootPath, "index.json")));
        Assert.Empty(Directory.EnumerateFileSystemEntries(Path.Combine(output.RootPath, "blobs")));
    }

    [Fact]
    public async Task Build_RuntimeDirWithSymlinkOutsideContext_RefusedAndLayoutUnchanged()
    {
        var (runtime, _) = MakeInputs(_temp.Combine("in"));
        File.CreateSymbolicLink(Path.Combine(runtime, "lib", "passwd"), "../../../../../../../etc/passwd");
        var output = await OciImageLayout.CreateAsync(_temp.Combine("out"));
        var indexBefore = File.ReadAllBytes(Path.Combine(output.RootPath, "index.json"));

        var ex = Assert.Throws<ImageBuildException>(() => new DeterministicLayer().AddDirectoryTree(runtime, "/opt/wharf-serve"));

        Assert.Contains("outside the build context", ex.Message, StringComparison.Ordinal);
        Assert.Contains("passwd", ex.Message, StringComparison.Ordinal);
        Assert.Equal(indexBefore, File.ReadAllBytes(Path.Combine(output.RootPath, "index.json")));
    }

    [Fact]
    public async Task BuildAsync_FailsMidway_ReferenceNotWritten()
    {
        var baseLayout = await MakeBaseLayoutAsync();
        var (runtime, model) = MakeInputs(_temp.Combine("in"));
        var output = await OciImageLayout.CreateAsync(_temp.Combine("out"));
        await ModelImage(baseLayout, runtime, model).BuildAsync(new OciLayoutImageSink(output), "iris");
        var indexBefore = File.ReadAllBytes(Path.Combine(output.RootPath, "index.json"));
        var builder = ModelImage(baseLayout, runtime, model);
        File.AppendAllText(Path.Combine(model, "model.onnx"), "grown after being added");

        await Assert.ThrowsAsync<ImageBuildException>(() => builder.BuildAsync(new OciLayoutImageSink(output), "iris"));

        Assert.Equal(indexBefore, File.ReadAllBytes(Path.Combine(output.RootPath, "index.json")));
    }

    [Fact]
    public async Task BuildAsync_ExistingLayerWithWrongBytes_RefusedAndNothingNamed()
    {
        var output = await OciImageLayout.CreateAsync(_temp.Combine("out"));
        var claimed = new Descriptor(MediaTypes.OciLayerGzip, Digest.Sha256("real"u8), 4);
        var builder = new ImageBuilder(new ImageBuilderOptions { Created = Fixed })
            .AddExistingLayer(claimed, Digest.Sha256("tar"u8), _ => Task.FromResult<Stream>(new MemoryStream("fake"u8.ToArray())), "x");

        await Assert.ThrowsAsync<InvalidDataException>(() => builder.BuildAsync(new OciLayoutImageSink(output), "iris"));

        Assert.Empty(await output.GetManifestsAsync());
        Assert.False(output.HasBlob(claimed.Digest));
    }

    [Fact]
    public async Task Umoci_UnpackBuiltImage_RootfsHasFilesWithNormalisedModes()
    {
        var baseLayout = await MakeBaseLayoutAsync();
        var (runtime, model) = MakeInputs(_temp.Combine("in"));
        var output = await OciImageLayout.CreateAsync(_temp.Combine("out"));
        await ModelImage(baseLayout, runtime, model).BuildAsync(new OciLayoutImageSink(output), "iris-v1");
        var bundle = _temp.Combine("bundle");

        await ExternalTool.RunCheckedAsync("umoci", "unpack", "--rootless", "--image", $"{output.RootPath}:iris-v1", bundle);

        var rootfs = Path.Combine(bundle, "rootfs");
        Assert.Equal("#!/bin/sh\nexec echo serving\n", File.ReadAllText(Path.Combine(rootfs, "opt/wharf-serve/wharf-serve")));
        Assert.Equal((UnixFileMode)0x1ED, File.GetUnixFileMode(Path.Combine(rootfs, "opt/wharf-serve/wharf-serve")));
        Assert.Equal((UnixFileMode)0x1A4, File.GetUnixFileMode(Path.Combine(rootfs, "opt/wharf-serve/lib/runtime.dll")));
        Assert.Equal((UnixFileMode)0x1ED, File.GetUnixFileMode(Path.Combine(rootfs, "opt/wharf-serve/lib")));
        Assert.Equal("weights version 1", File.ReadAllText(Path.Combine(rootfs, "models/iris/model.onnx")));
        Assert.Equal((UnixFileMode)0x1A4, File.GetUnixFileMode(Path.Combine(rootfs, "models/iris/model.onnx")));
        Assert.Equal((UnixFileMode)0x1ED, File.GetUnixFileMode(Path.Combine(rootfs, "models/iris")));
        Assert.True(File.Exists(Path.Combine(rootfs, "etc/os-release")));
        Assert.Equal("mot", File.ReadAllText(Path.Combine(rootfs, "models/iris", LongDirectory, "vocabulaire-été.txt")));
        using var runtimeConfig = JsonDocument.Parse(File.ReadAllBytes(Path.Combine(bundle, "config.json")));
        Assert.Equal(["/opt/wharf-serve/wharf-serve", "--model", "/models/iris"],
            runtimeConfig.RootElement.GetProperty("process").GetProperty("args").EnumerateArray().Select(a => a.GetString()));
    }

    [Fact]
    public async Task SkopeoCopy_BuiltImage_CopiesToAnotherLayout()
    {
        var baseLayout = await MakeBaseLayoutAsync();
        var (runtime, model) = MakeInputs(_temp.Combine("in"));
        var output = await OciImageLayout.CreateAsync(_temp.Combine("out"));
        var result = await ModelImage(baseLayout, runtime, model).BuildAsync(new OciLayoutImageSink(output), "iris-v1");

        // skopeo compresses uncompressed layers for an oci: destination unless told not to; then it keeps every byte.
        await ExternalTool.RunCheckedAsync("skopeo", "copy", "--quiet", "--preserve-digests", "--dest-oci-accept-uncompressed-layers", $"oci:{output.RootPath}:iris-v1", $"oci:{_temp.Combine("copy")}:x");
        await ExternalTool.RunCheckedAsync("skopeo", "copy", "--quiet", $"oci:{output.RootPath}:iris-v1", $"oci:{_temp.Combine("recompressed")}:x");
        var inspect = await ExternalTool.RunCheckedAsync("skopeo", "inspect", "--raw", $"oci:{output.RootPath}:iris-v1");

        var copy = await OciImageLayout.OpenAsync(_temp.Combine("copy"));
        Assert.Equal(result.Manifest.Digest, (await copy.ResolveAsync("x")).Digest);
        var recompressed = await OciImageLayout.OpenAsync(_temp.Combine("recompressed"));
        var image = await recompressed.ResolveImageAsync(await recompressed.ResolveAsync("x"));
        Assert.Equal(result.Layers.Take(2).Select(l => l.Descriptor.Digest), image.Manifest.Layers.Take(2).Select(l => l.Digest));
        Assert.Equal(result.Manifest.Digest, Digest.Sha256(Encoding.UTF8.GetBytes(inspect.TrimEnd('\n'))));
    }

    private static readonly string LongDirectory = string.Join('/', Enumerable.Repeat("tokenizer-assets", 9));

    private static ImageBuilder ModelImage(OciImageLayout baseLayout, string runtime, string model, ImageBuilderOptions? options = null)
    {
        var builder = new ImageBuilder(options ?? new ImageBuilderOptions { Created = Fixed })
            .FromBase(new OciLayoutImageSource(baseLayout), "base")
            .AddLayer(new DeterministicLayer().AddDirectoryTree(runtime, "/opt/wharf-serve"), "wharf: serving runtime")
            .AddLayer(new DeterministicLayer().AddDirectoryTree(model, "/models/iris"), "wharf: model iris v1", LayerCompression.None);
        builder.Entrypoint = ["/opt/wharf-serve/wharf-serve"];
        builder.Cmd = ["--model", "/models/iris"];
        builder.Env["WHARF_MODEL"] = "iris";
        builder.WorkingDir = "/models/iris";
        builder.ExposedPorts.Add("8080");
        builder.Labels["org.opencontainers.image.title"] = "iris";
        builder.Labels["wharf.model.name"] = "iris";
        builder.Labels["wharf.model.version"] = "1";
        builder.Labels["wharf.model.run"] = "run-1";
        builder.Labels["wharf.model.digest"] = "sha256:0000000000000000000000000000000000000000000000000000000000000001";
        builder.Annotations["org.opencontainers.image.title"] = "iris";
        return builder;
    }

    /// <summary>A serving runtime directory (an executable and a library) and a model directory, both in <paramref name="root"/>.</summary>
    private static (string Runtime, string Model) MakeInputs(string root)
    {
        var runtime = Path.Combine(root, "runtime");
        Directory.CreateDirectory(Path.Combine(runtime, "lib"));
        File.WriteAllText(Path.Combine(runtime, "wharf-serve"), "#!/bin/sh\nexec echo serving\n");
        File.SetUnixFileMode(Path.Combine(runtime, "wharf-serve"), (UnixFileMode)0x1C0); // 0700
        File.WriteAllText(Path.Combine(runtime, "lib", "runtime.dll"), "not really a dll");
        var model = Path.Combine(root, "model");
        Directory.CreateDirectory(model);
        File.WriteAllText(Path.Combine(model, "model.onnx"), "weights version 1");
        File.WriteAllText(Path.Combine(model, "MLmodel"), "flavors: {}\n");
        // A deep and a non-ASCII name: the tar needs ustar's prefix field and a PAX path record.
        var deep = Path.Combine(model, LongDirectory);
        Directory.CreateDirectory(deep);
        File.WriteAllText(Path.Combine(deep, "vocabulaire-été.txt"), "mot");
        return (runtime, model);
    }

    /// <summary>A base layout: one tiny image per architecture and an index named "base" over them.</summary>
    private async Task<OciImageLayout> MakeBaseLayoutAsync(string[]? architectures = null)
    {
        var layout = await OciImageLayout.CreateAsync(_temp.Combine("base-layout"));
        var sink = new OciLayoutImageSink(layout);
        var entries = new List<(Descriptor, Platform)>();
        foreach (var arch in architectures ?? ["arm64", "amd64"])
        {
            var rootfs = new DeterministicLayer()
                .AddFile("/etc/os-release", 11 + arch.Length, _ => Task.FromResult<Stream>(new MemoryStream(Encoding.UTF8.GetBytes($"ID=minimal {arch}"))))
                .AddFile("/bin/sh", 4, _ => Task.FromResult<Stream>(new MemoryStream("ELF!"u8.ToArray())), executable: true);
            var platform = new Platform(arch, "linux");
            var builder = new ImageBuilder(new ImageBuilderOptions { Created = Fixed, Platform = platform }).AddLayer(rootfs, $"base rootfs {arch}");
            builder.Env["PATH"] = "/usr/bin:/bin";
            builder.Cmd = ["/bin/sh"];
            builder.Labels["from.base"] = "base";
            var result = await builder.BuildAsync(sink, $"base-{arch}");
            entries.Add((result.Manifest, platform));
        }

        await layout.WriteManifestAsync(OciImageLayoutTests.IndexJson([.. entries]), MediaTypes.OciIndex, "base");
        return layout;
    }

    private static HashSet<string> BlobNames(OciImageLayout layout)
        => Directory.EnumerateFiles(Path.Combine(layout.RootPath, "blobs", "sha256")).Select(f => Path.GetFileName(f)).ToHashSet(StringComparer.Ordinal);

    private static async Task<JsonDocument> ReadConfigAsync(OciImageLayout layout, ManifestContent image)
        => JsonDocument.Parse(await layout.ReadSmallBlobAsync(image.Manifest.Config!));
}
