using System.Text;
using Wharf.Oci.Building;
using Wharf.Oci.Registry;

namespace Wharf.Oci.Tests.Registry;

/// <summary><see cref="ImageBuilder"/> reading from <see cref="RegistryImageSource"/> and writing to <see cref="RegistryImageSink"/> over the scripted registry.</summary>
public sealed class RegistryImageSinkTests
{
    private static readonly ImageReference Base = ImageReference.Parse($"{FakeRegistryHandler.Host}/p/base:v1");
    private static readonly ImageReference Model = ImageReference.Parse($"{FakeRegistryHandler.Host}/p/models/m:v1");
    private static readonly ImageReference Target = ImageReference.Parse($"{FakeRegistryHandler.Host}/p/images/m:v1");
    private static readonly DateTimeOffset Created = new(2024, 1, 2, 3, 4, 5, TimeSpan.Zero);

    [Fact]
    public async Task BuildAsync_SameRegistry_MountsBaseAndModelLayers_UploadsOnlyNewLayerAndConfig_ManifestLast()
    {
        var registry = new FakeRegistryHandler { Auth = FakeRegistryHandler.AuthMode.Bearer };
        var (baseLayer, modelLayer, _) = Seed(registry);
        using var client = Client(registry);
        var progress = new RecordingProgress();

        var result = await Builder(client, modelLayer).BuildAsync(new RegistryImageSink(client, Target, ["p/models/m", "p/base"], progress), "v1");

        Assert.Equal([TransferState.Checking, TransferState.Mounted], progress.StatesOf(baseLayer.Digest).Distinct());
        Assert.Contains(TransferState.Mounted, progress.StatesOf(modelLayer.Digest));
        Assert.Equal([0L, 0L], result.Layers.Where(l => l.Origin != LayerOrigin.Built).Select(l => l.BytesWritten));
        var built = Assert.Single(result.Layers, l => l.Origin == LayerOrigin.Built);
        Assert.Equal(built.Descriptor.Size + result.Config.Size + result.ManifestBytes, result.BytesWritten);
        Assert.Contains(TransferState.Done, progress.StatesOf(built.Descriptor.Digest));
        // No byte of a mounted blob was read: neither the base layer nor the model layer was fetched.
        Assert.DoesNotContain(registry.Requests, r => r.Method == HttpMethod.Get && r.Uri.AbsolutePath.Contains("/blobs/", StringComparison.Ordinal)
            && (r.Uri.AbsolutePath.EndsWith(baseLayer.Digest.ToString(), StringComparison.Ordinal) || r.Uri.AbsolutePath.EndsWith(modelLayer.Digest.ToString(), StringComparison.Ordinal)));
        Assert.Equal(registry.Blob("p/models/m", modelLayer.Digest), registry.Blob("p/images/m", modelLayer.Digest));
        var requests = registry.Requests.Where(r => r.Uri.Host == FakeRegistryHandler.Host).ToList();
        Assert.Equal(HttpMethod.Put, requests[^1].Method);
        Assert.EndsWith("/manifests/v1", requests[^1].Uri.AbsolutePath, StringComparison.Ordinal);
        Assert.True(registry.HasManifest("p/images/m", "v1"));
        Assert.True(registry.HasManifest("p/images/m", result.Manifest.Digest.ToString()));
    }

    [Fact]
    public async Task BuildAsync_Twice_SameDigest_SecondWritesOnlyTheManifest()
    {
        var registry = new FakeRegistryHandler();
        var (_, modelLayer, _) = Seed(registry);
        using var client = Client(registry);

        var first = await Builder(client, modelLayer).BuildAsync(new RegistryImageSink(client, Target, ["p/models/m", "p/base"]), "v1");
        var received = registry.BytesReceived;
        var second = await Builder(client, modelLayer).BuildAsync(new RegistryImageSink(client, Target, ["p/models/m", "p/base"]), "v2");

        Assert.Equal(first.Manifest, second.Manifest);
        Assert.Equal(second.ManifestBytes, second.BytesWritten);
        Assert.Equal(received, registry.BytesReceived);
    }

    [Fact]
    public async Task BuildAsync_OtherRepositoryWithoutMountSources_UploadsEveryBlob()
    {
        var registry = new FakeRegistryHandler();
        var (baseLayer, modelLayer, _) = Seed(registry);
        using var client = Client(registry);
        var progress = new RecordingProgress();

        var result = await Builder(client, modelLayer).BuildAsync(new RegistryImageSink(client, Target, mountFrom: null, progress), "v1");

        Assert.DoesNotContain(registry.Requests, r => r.Uri.Query.Contains("mount=", StringComparison.Ordinal));
        Assert.Equal(result.Layers.Sum(l => l.Descriptor.Size) + result.Config.Size + result.ManifestBytes, result.BytesWritten);
        Assert.Equal(registry.Blob("p/base", baseLayer.Digest), registry.Blob("p/images/m", baseLayer.Digest));
        Assert.DoesNotContain(TransferState.Mounted, progress.Reports.Select(r => r.State));
    }

    [Fact]
    public async Task HasBlobAsync_MountSourceLacksBlob_NoMountAttempted_False()
    {
        var registry = new FakeRegistryHandler();
        using var client = Client(registry);
        var content = "absent"u8.ToArray();
        var blob = new Descriptor(MediaTypes.OciLayerTar, Digest.Sha256(content), content.Length);
        var sink = new RegistryImageSink(client, Target, ["p/models/m"]);

        Assert.False(await sink.HasBlobAsync(blob));
        Assert.DoesNotContain(registry.Requests, r => r.Method == HttpMethod.Post);
        Assert.Equal(content.Length, await sink.WriteBlobAsync(blob, new MemoryStream(content)));
        Assert.Equal(content, registry.Blob("p/images/m", blob.Digest));
        Assert.True(await sink.HasBlobAsync(blob));
    }

    [Fact]
    public async Task BuildAsync_BaseTagMissing_ImageBuildExceptionNamesIt_NothingPushed()
    {
        var registry = new FakeRegistryHandler();
        var (_, modelLayer, _) = Seed(registry);
        using var client = Client(registry);
        var builder = new ImageBuilder(new ImageBuilderOptions { Created = Created })
            .FromBase(new RegistryImageSource(client, Base), "nope")
            .AddExistingLayer(modelLayer, modelLayer.Digest, new RegistryImageSource(client, Model), "model");

        var error = await Assert.ThrowsAsync<ImageBuildException>(() => builder.BuildAsync(new RegistryImageSink(client, Target), "v1"));

        Assert.Contains($"{FakeRegistryHandler.Host}/p/base:nope does not exist", error.Message, StringComparison.Ordinal);
        Assert.DoesNotContain(registry.Requests, r => r.Uri.AbsolutePath.Contains("/p/images/", StringComparison.Ordinal));
    }

    [Fact]
    public async Task BuildAsync_BaseIndexWithoutLinuxAmd64_ListsPlatforms()
    {
        var registry = new FakeRegistryHandler();
        var (_, modelLayer, child) = Seed(registry);
        var index = Encoding.UTF8.GetBytes(
            $$$"""{"schemaVersion":2,"mediaType":"{{{MediaTypes.OciIndex}}}","manifests":[{"mediaType":"{{{MediaTypes.OciManifest}}}","digest":"{{{child.Digest}}}","size":{{{child.Size}}},"platform":{"architecture":"arm64","os":"linux"}}]}""");
        registry.PutManifest("p/base", "multi", index, MediaTypes.OciIndex);
        using var client = Client(registry);
        var builder = new ImageBuilder(new ImageBuilderOptions { Created = Created })
            .FromBase(new RegistryImageSource(client, Base), "multi")
            .AddExistingLayer(modelLayer, modelLayer.Digest, new RegistryImageSource(client, Model), "model");

        var error = await Assert.ThrowsAsync<NoMatchingPlatformException>(() => builder.BuildAsync(new RegistryImageSink(client, Target), "v1"));

        Assert.Contains("linux/arm64", error.Message, StringComparison.Ordinal);
        Assert.False(registry.HasManifest("p/images/m", "v1"));
    }

    [Fact]
    public async Task WriteManifestAsync_ByDigestReference_PutsUnderTheDigest()
    {
        var registry = new FakeRegistryHandler();
        var (_, _, manifest) = Seed(registry);
        using var client = Client(registry);
        var content = await new RegistryImageSource(client, Base).GetManifestAsync(manifest.Digest.ToString());
        foreach (var blob in content.Manifest.Blobs)
        {
            registry.AddBlob("p/images/m", registry.Blob("p/base", blob.Digest)!);
        }

        await new RegistryImageSink(client, Target).WriteManifestAsync(content.Descriptor, content.Content, manifest.Digest.ToString());

        Assert.True(registry.HasManifest("p/images/m", manifest.Digest.ToString()));
        Assert.False(registry.HasManifest("p/images/m", "v1"));
    }

    /// <summary>A base image (one gzip layer, a config with its diff_id) in p/base and a model tar layer in p/models/m.</summary>
    private static (Descriptor BaseLayer, Descriptor ModelLayer, Descriptor BaseManifest) Seed(FakeRegistryHandler registry)
    {
        var baseTar = new byte[4096];
        Random.Shared.NextBytes(baseTar);
        var baseLayer = new Descriptor(MediaTypes.OciLayerGzip, Digest.Sha256(baseTar), baseTar.Length);
        var diffId = Digest.Sha256("uncompressed base"u8.ToArray());
        var config = Encoding.UTF8.GetBytes($$$"""{"architecture":"amd64","os":"linux","config":{},"rootfs":{"type":"layers","diff_ids":["{{{diffId}}}"]}}""");
        var configDescriptor = new Descriptor(MediaTypes.OciConfig, Digest.Sha256(config), config.Length);
        registry.AddBlob("p/base", baseTar);
        registry.AddBlob("p/base", config);
        var manifest = TestImage.ManifestFor(configDescriptor, [baseLayer]);
        registry.PutManifest("p/base", "v1", manifest, MediaTypes.OciManifest);

        var modelTar = new byte[3072];
        Random.Shared.NextBytes(modelTar);
        registry.AddBlob("p/models/m", modelTar);
        return (baseLayer, new Descriptor(MediaTypes.OciLayerTar, Digest.Sha256(modelTar), modelTar.Length), new Descriptor(MediaTypes.OciManifest, Digest.Sha256(manifest), manifest.Length));
    }

    private static ImageBuilder Builder(RegistryClient client, Descriptor modelLayer)
    {
        var builder = new ImageBuilder(new ImageBuilderOptions { Created = Created })
            .FromBase(new RegistryImageSource(client, Base), "v1")
            .AddLayer(new DeterministicLayer().AddFile("/opt/app/run", 5, _ => Task.FromResult<Stream>(new MemoryStream("hello"u8.ToArray())), executable: true), "runtime")
            .AddExistingLayer(modelLayer, modelLayer.Digest, new RegistryImageSource(client, Model), "model");
        builder.Entrypoint = ["/opt/app/run"];
        return builder;
    }

    private static RegistryClient Client(FakeRegistryHandler registry)
        => new(new RegistryClientOptions { RetryDelay = TimeSpan.Zero }, registry, disposeHandler: false);
}
