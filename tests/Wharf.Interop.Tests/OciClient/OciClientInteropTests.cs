using System.Net;
using Wharf.Oci;
using Wharf.Oci.Registry;

namespace Wharf.Interop.Tests.OciClient;

/// <summary>
/// Wharf.Oci's <see cref="RegistryClient"/> against real registries on loopback. The tests live here; each sealed
/// subclass names a registry (CNCF distribution, Wharf), so both are held to the same behaviour.
/// </summary>
public abstract class OciClientInteropTests
{
    private protected const int ChunkSize = 64 * 1024;

    private protected abstract string Host { get; }

    /// <summary>A fresh namespace (a Wharf project) for repositories, and the credentials that may push there.</summary>
    private protected abstract Task<(string Namespace, IRegistryCredentialProvider? Credentials)> NewNamespaceAsync();

    [Fact]
    public async Task Push_ChunkedAndParallel_PushAgainSendsNothing_PullBackIdentical()
    {
        var (ns, credentials) = await NewNamespaceAsync();
        var image = new RandomImage(300_000, 200_000, 150_000, 1_000);
        var target = ImageReference.Parse($"{Host}/{ns}/app:v1");
        using var client = Client(credentials);
        var first = new RecordingProgress();
        var again = new RecordingProgress();

        var digest = await client.PushAsync(target, image.Manifest, MediaTypes.OciManifest, image.Blobs, image.OpenAsync, progress: first);
        var second = await client.PushAsync(target, image.Manifest, MediaTypes.OciManifest, image.Blobs, image.OpenAsync, progress: again);

        Assert.Equal(image.ManifestDigest, digest);
        Assert.Equal(digest, second);
        Assert.Equal(image.TotalBlobBytes, first.UploadedBytes);
        Assert.True(first.SawPartialChunks, "the big layers should have gone up in several chunks");
        Assert.All(first.FinalStates(image.Blobs), s => Assert.Equal(TransferState.Done, s));
        Assert.Equal(0, again.UploadedBytes);
        Assert.All(again.FinalStates(image.Blobs), s => Assert.Equal(TransferState.Skipped, s));

        var resolved = await client.ResolveAsync(target);
        Assert.Equal(new Descriptor(MediaTypes.OciManifest, digest, image.Manifest.Length), resolved);
        var pulled = new Dictionary<Digest, byte[]>();
        var result = await client.PullAsync(target, async (blob, stream, ct) =>
        {
            using var copy = new MemoryStream();
            await stream.CopyToAsync(copy, ct);
            pulled[blob.Digest] = copy.ToArray();
        });
        Assert.Equal(image.Manifest, result.Manifest.Content.ToArray());
        Assert.Null(result.Index);
        Assert.Equal(image.Blobs.Count, pulled.Count);
        Assert.All(image.Blobs, b => Assert.Equal(image[b.Digest], pulled[b.Digest]));
    }

    [Fact]
    public async Task Push_MountFromAnotherRepository_SendsNoBlobBytes()
    {
        var (ns, credentials) = await NewNamespaceAsync();
        var image = new RandomImage(100_000, 2_000);
        using var client = Client(credentials);
        await client.PushAsync(ImageReference.Parse($"{Host}/{ns}/base:1"), image.Manifest, MediaTypes.OciManifest, image.Blobs, image.OpenAsync);
        var progress = new RecordingProgress();

        var digest = await client.PushAsync(
            ImageReference.Parse($"{Host}/{ns}/app:1"), image.Manifest, MediaTypes.OciManifest, image.Blobs, image.OpenAsync, mountFrom: $"{ns}/base", progress: progress);

        Assert.Equal(0, progress.UploadedBytes);
        Assert.All(progress.FinalStates(image.Blobs), s => Assert.Equal(TransferState.Mounted, s));
        var manifest = await client.GetManifestAsync(ImageReference.Parse($"{Host}/{ns}/app:1"));
        Assert.Equal(digest, manifest.Digest);
        foreach (var blob in image.Blobs)
        {
            Assert.True(await client.BlobExistsAsync(ImageReference.Parse($"{Host}/{ns}/app"), blob.Digest));
        }
    }

    [Fact]
    public async Task Push_ByDigest_ThenTagResolvesAndUnknownTagIsAClearError()
    {
        var (ns, credentials) = await NewNamespaceAsync();
        var image = new RandomImage(10_000);
        using var client = Client(credentials);
        var repository = ImageReference.Parse($"{Host}/{ns}/app");

        await client.PushAsync(repository.WithDigest(image.ManifestDigest), image.Manifest, MediaTypes.OciManifest, image.Blobs, image.OpenAsync);
        await client.PutManifestAsync(repository.WithTag("stable"), image.Manifest, MediaTypes.OciManifest);
        var missing = await Assert.ThrowsAsync<RegistryException>(() => client.GetManifestAsync(repository.WithTag("nope")));

        Assert.Equal(image.ManifestDigest, (await client.ResolveAsync(repository.WithTag("stable"))).Digest);
        Assert.Equal(image.Manifest, (await client.GetManifestAsync(repository.WithDigest(image.ManifestDigest))).Content.ToArray());
        Assert.Equal(HttpStatusCode.NotFound, missing.StatusCode);
        Assert.True(missing.HasCode("MANIFEST_UNKNOWN"), missing.Message);
    }

    [Fact]
    public async Task Index_PushedAfterItsManifests_PullPicksLinuxAmd64_AndAMissingPlatformIsAClearError()
    {
        var (ns, credentials) = await NewNamespaceAsync();
        var amd64 = new RandomImage(20_000);
        var arm64 = new RandomImage(20_000);
        using var client = Client(credentials);
        var repository = ImageReference.Parse($"{Host}/{ns}/multi");
        foreach (var image in new[] { amd64, arm64 })
        {
            await client.PushAsync(repository.WithDigest(image.ManifestDigest), image.Manifest, MediaTypes.OciManifest, image.Blobs, image.OpenAsync);
        }

        static string Entry(RandomImage i, string arch)
            => $$$"""{"mediaType":"{{{MediaTypes.OciManifest}}}","digest":"{{{i.ManifestDigest}}}","size":{{{i.Manifest.Length}}},"platform":{"architecture":"{{{arch}}}","os":"linux"}}""";
        var index = System.Text.Encoding.UTF8.GetBytes($$"""{"schemaVersion":2,"mediaType":"{{MediaTypes.OciIndex}}","manifests":[{{Entry(arm64, "arm64")}},{{Entry(amd64, "amd64")}}]}""");
        var armOnly = System.Text.Encoding.UTF8.GetBytes($$"""{"schemaVersion":2,"mediaType":"{{MediaTypes.OciIndex}}","manifests":[{{Entry(arm64, "arm64")}}]}""");
        await client.PutManifestAsync(repository.WithTag("both"), index, MediaTypes.OciIndex);
        await client.PutManifestAsync(repository.WithTag("arm"), armOnly, MediaTypes.OciIndex);
        var written = new List<Digest>();

        var pulled = await client.PullAsync(repository.WithTag("both"), async (blob, stream, ct) =>
        {
            await stream.CopyToAsync(Stream.Null, ct);
            written.Add(blob.Digest);
        });
        var missing = await Assert.ThrowsAsync<InvalidOperationException>(
            () => client.PullAsync(repository.WithTag("arm"), (_, _, _) => throw new InvalidOperationException("no blob should be written")));

        Assert.Equal(Digest.Sha256(index), pulled.Index!.Digest);
        Assert.Equal(amd64.ManifestDigest, pulled.Manifest.Digest);
        Assert.Equal(amd64.Blobs.Select(b => b.Digest), written);
        Assert.Contains("no manifest for linux/amd64", missing.Message, StringComparison.Ordinal);
    }

    private protected static RegistryClient Client(IRegistryCredentialProvider? credentials, int maxConcurrentUploads = 3)
        => new(new RegistryClientOptions
        {
            Credentials = credentials,
            ChunkSize = ChunkSize,
            MaxConcurrentUploads = maxConcurrentUploads,
            RetryDelay = TimeSpan.FromMilliseconds(50),
        });
}
