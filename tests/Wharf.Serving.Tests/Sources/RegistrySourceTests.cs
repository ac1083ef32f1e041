using Xunit.Abstractions;
using System.Net;
using Wharf.Oci;
using Wharf.Oci.Registry;
using Wharf.Serving.Tests.Infrastructure;
using static Wharf.Serving.Tests.Sources.ModelArtifacts;

namespace Wharf.Serving.Tests.Sources;

/// <summary>Models pulled from a real registry (CNCF distribution on loopback), pushed with Wharf.Oci's RegistryClient.</summary>
public sealed class RegistrySourceTests(DistributionRegistry registry, ITestOutputHelper output) : IClassFixture<DistributionRegistry>, IDisposable
{
    private readonly TempDirectory directory = new();

    public void Dispose() => directory.Dispose();

    [Fact]
    public async Task RegistryReference_TarLayers_PullsVerifiesAndServesTheVersionOfItsTag()
    {
        await PushAsync("team/models/iris:v2", TarLayer("model.onnx", IrisOnnx.Bytes));

        await using var factory = Factory(("Serving:Models:0:Source", $"{registry.Host}/team/models/iris:v2"));
        using var client = await OciLayoutSourceTests.ReadyClientAsync(factory);

        OciLayoutSourceTests.AssertReady((await IrisOnnx.IndexAsync(client))["iris:2"]);
        await IrisOnnx.AssertPredictsAsync(client, "iris", "2");
    }

    [Fact]
    public async Task RegistryDigestReference_RawLayer_ServesVersion1()
    {
        var digest = await PushAsync("team/models/old:v1", RawLayer("model.onnx", IrisOnnx.Bytes));

        await using var factory = Factory(("Serving:Models:0:Source", $"{registry.Host}/team/models/old@{digest}"));
        using var client = await OciLayoutSourceTests.ReadyClientAsync(factory);

        await IrisOnnx.AssertPredictsAsync(client, "old", "1");
    }

    [Fact]
    public async Task RegistryFailures_UnknownTagUnreachableAndCorruptBlob_UnavailableWithReasonOthersServe()
    {
        await PushAsync("team/models/good:v1", TarLayer("model.onnx", IrisOnnx.Bytes));
        var corruptBytes = IrisOnnx.Bytes.ToArray();
        corruptBytes[^1] ^= 0x55;
        var corruptLayer = RawLayer("model.onnx", corruptBytes);
        await PushAsync("team/models/corrupt:v1", corruptLayer);
        CorruptStoredBlob(corruptLayer.Descriptor.Digest);

        string unreachable;
        using (var listener = new System.Net.Sockets.TcpListener(IPAddress.Loopback, 0))
        {
            listener.Start();
            unreachable = $"127.0.0.1:{((IPEndPoint)listener.LocalEndpoint).Port}";
        }

        await using var factory = Factory(
            ("Serving:Models:0:Source", $"{registry.Host}/team/models/good:v1"),
            ("Serving:Models:1:Source", $"{registry.Host}/team/models/good:v404"),
            ("Serving:Models:1:Name", "unknown"),
            ("Serving:Models:2:Source", $"{registry.Host}/team/models/corrupt:v1"),
            ("Serving:Models:3:Source", $"{unreachable}/team/models/gone:v1"),
            ("Serving:Registry:PlainHttp", "true"));
        using var client = await factory.CreateStartedClientAsync();

        var index = await IrisOnnx.IndexAsync(client);
        foreach (var (key, status) in index)
        {
            output.WriteLine($"{key}: {status.State} {status.Reason}");
        }

        OciLayoutSourceTests.AssertReady(index["good:1"]);
        AssertReason(index["unknown:404"], $"cannot pull '{registry.Host}/team/models/good:v404'");
        AssertReason(index["corrupt:1"], "fails verification");
        AssertReason(index["gone:1"], $"cannot pull '{unreachable}/team/models/gone:v1'");
        Assert.Equal(HttpStatusCode.ServiceUnavailable, (await client.GetAsync("/v2/health/ready")).StatusCode);
        await IrisOnnx.AssertPredictsAsync(client, "good", "1");
    }

    private static void AssertReason((string State, string? Reason) status, string reason)
    {
        Assert.Equal("UNAVAILABLE", status.State);
        Assert.True(status.Reason?.Contains(reason, StringComparison.Ordinal) == true, $"expected '{reason}' in: {status.Reason}");
    }

    /// <summary>Replaces a blob's bytes in distribution's storage, keeping its size, so the registry serves content that fails its digest.</summary>
    private void CorruptStoredBlob(Digest digest)
    {
        var path = Path.Combine(registry.StoragePath, "docker", "registry", "v2", "blobs", "sha256", digest.Hex[..2], digest.Hex, "data");
        var bytes = File.ReadAllBytes(path);
        bytes[0] ^= 0xff;
        File.WriteAllBytes(path, bytes);
    }

    private async Task<Digest> PushAsync(string repositoryAndTag, params Layer[] layers)
    {
        using var client = new RegistryClient();
        var manifest = Manifest(layers);
        var blobs = layers.ToDictionary(l => l.Descriptor.Digest, l => l.Bytes);
        blobs[Digest.Sha256(EmptyConfig)] = EmptyConfig;
        var descriptors = layers.Select(l => l.Descriptor).Prepend(new Descriptor(MediaTypes.OciEmpty, Digest.Sha256(EmptyConfig), EmptyConfig.Length)).ToArray();
        return await client.PushAsync(ImageReference.Parse($"{registry.Host}/{repositoryAndTag}"), manifest, MediaTypes.OciManifest, descriptors,
            (blob, _) => ValueTask.FromResult<Stream>(new MemoryStream(blobs[blob.Digest])));
    }

    private ServingFactory Factory(params (string Key, string Value)[] settings)
    {
        var all = settings.ToDictionary(s => s.Key, s => (string?)s.Value);
        all["Serving:CacheDirectory"] = directory.Combine("cache");
        return new ServingFactory(all);
    }
}
