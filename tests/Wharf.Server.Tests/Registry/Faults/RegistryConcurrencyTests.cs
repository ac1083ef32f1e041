using System.Net;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Wharf.Server.Storage;
using Wharf.Server.Tests.Infrastructure;
using Wharf.Server.Tests.Registry.Conformance;

namespace Wharf.Server.Tests.Registry.Faults;

/// <summary>
/// SECURITY-RELIABILITY.md's "the same blob pushed by 16 clients at once; the same tag by 16": every client succeeds,
/// one copy is stored, a tag resolves to exactly one complete manifest, a repository is created once. On SQLite and
/// PostgreSQL, whose concurrency control differs (one writer at a time against row locks and advisory locks).
/// </summary>
public abstract class RegistryConcurrencyTests
{
    private const int Clients = 16;

    private protected abstract PostgresServer? Postgres { get; }

    [Fact]
    public async Task MonolithicPush_SameBlobBy16Clients_AllCreatedAndOneCopyStored()
    {
        await using var registry = await TestRegistry.StartAsync(Postgres);
        var content = TestBytes.Create("concurrent/monolithic", 3 * FileSystemBlobStore.ChunkSize + 17);
        var digest = OciDigest.Compute(content);

        var responses = await AllAtOnceAsync(_ => registry.Registry.PostUploadAsync("race/blob", $"digest={digest}", content));

        AssertAll(HttpStatusCode.Created, responses);
        await AssertOneCopyAsync(registry, digest, content);
    }

    [Fact]
    public async Task ChunkedPush_SameBlobBy16Clients_AllCreatedAndOneCopyStored()
    {
        await using var registry = await TestRegistry.StartAsync(Postgres);
        var content = TestBytes.Create("concurrent/chunked", 2 * FileSystemBlobStore.ChunkSize + 5);
        var digest = OciDigest.Compute(content);
        var split = content.Length / 2;

        var responses = await AllAtOnceAsync(async _ =>
        {
            var location = await registry.Registry.StartUploadAsync("race/blob");
            var patched = await registry.Registry.PatchChunkAsync(location, content[..split], $"0-{split - 1}");
            RegistryAssert.Status(HttpStatusCode.Accepted, patched, "first chunk");
            return await registry.Registry.PutUploadAsync(location, digest, content[split..], $"{split}-{content.Length - 1}");
        });

        AssertAll(HttpStatusCode.Created, responses);
        await AssertOneCopyAsync(registry, digest, content);
        Assert.Empty(Directory.EnumerateFiles(Path.Combine(registry.BlobRoot, "uploads")));
        Assert.Equal(0, await registry.WithDatabaseAsync(db => db.RegistryUploads.CountAsync()));
    }

    [Fact]
    public async Task ManifestPush_SameTagBy16ClientsWithDifferentManifests_TagResolvesToOneOfThemComplete()
    {
        await using var registry = await TestRegistry.StartAsync(Postgres);
        var image = new TestImage("concurrent/tag");
        var options = new TestImageOptions();
        var (layer, diffId) = image.AddLayer(options);
        var config = image.AddConfig([diffId], options);
        var manifests = Enumerable.Range(0, Clients)
            .Select(i => image.AddManifest(config.ToDescriptor(), [layer.ToDescriptor()], options with { Annotations = TestImages.Note($"client {i}") }))
            .ToList();
        foreach (var blob in image.Blobs)
        {
            await registry.Registry.PushBlobAsync("race/tag", blob);
        }

        var responses = await AllAtOnceAsync(i => registry.Registry.PutManifestAsync("race/tag", "latest", manifests[i]));

        AssertAll(HttpStatusCode.Created, responses);
        var pulled = await registry.Registry.GetManifestAsync("race/tag", "latest");
        RegistryAssert.Status(HttpStatusCode.OK, pulled, "pull the raced tag");
        var winner = Assert.Single(manifests, m => m.Digest == pulled.ContentDigest);
        Assert.Equal(winner.Content, pulled.Body);
        Assert.Equal(["latest"], (await registry.Registry.ListTagsAsync("race/tag")).Json<TagListDocument>().Tags);
        foreach (var manifest in manifests)
        {
            RegistryAssert.Status(HttpStatusCode.OK, await registry.Registry.HeadManifestAsync("race/tag", manifest.Digest), "every pushed manifest is stored");
        }

        FsckAssert.Clean(await registry.CheckAsync());
    }

    [Fact]
    public async Task ManifestPush_DifferentTagsBy16ClientsIntoNewRepository_RepositoryCreatedOnce()
    {
        await using var registry = await TestRegistry.StartAsync(Postgres);
        var images = Enumerable.Range(0, Clients).Select(i =>
        {
            var image = new TestImage($"concurrent/repository/{i}");
            image.AddImage(new TestImageOptions { Tag = $"t{i:00}", LayerCount = 1 });
            return image;
        }).ToList();

        // Each client pushes its blobs and its tag: the repository does not exist until the first of them arrives.
        var responses = await AllAtOnceAsync(async i =>
        {
            foreach (var blob in images[i].Blobs)
            {
                await registry.Registry.PushBlobAsync("race/new", blob);
            }

            var (tag, manifest) = images[i].Tags.Single();
            return await registry.Registry.PutManifestAsync("race/new", tag, manifest);
        });

        AssertAll(HttpStatusCode.Created, responses);
        Assert.Equal(1, await registry.WithDatabaseAsync(db => db.RegistryRepositories.CountAsync(r => r.Name == "race/new")));
        var tags = (await registry.Registry.ListTagsAsync("race/new")).Json<TagListDocument>().Tags;
        Assert.Equal(images.Select(i => i.Tags.Single().Key).Order(StringComparer.Ordinal), tags);
        FsckAssert.Clean(await registry.CheckAsync());
    }

    /// <summary>Runs one request per client, released together, each on its own thread-pool work item.</summary>
    private static async Task<RegistryResponse[]> AllAtOnceAsync(Func<int, Task<RegistryResponse>> client)
    {
        var go = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var clients = Enumerable.Range(0, Clients).Select(i => Task.Run(async () =>
        {
            await go.Task;
            return await client(i);
        })).ToArray();
        go.SetResult();
        return await Task.WhenAll(clients);
    }

    private static void AssertAll(HttpStatusCode expected, RegistryResponse[] responses)
    {
        var unexpected = responses.Where(r => r.Status != expected).ToList();
        Assert.True(unexpected.Count == 0, $"{unexpected.Count} of {responses.Length} clients did not get {(int)expected}:\n{string.Join('\n', unexpected)}");
    }

    private static async Task AssertOneCopyAsync(TestRegistry registry, string digest, byte[] content)
    {
        // One file under the digest, nothing left behind in flight, one row, one link.
        var usage = await registry.Services.GetRequiredService<IBlobStore>().GetUsageAsync();
        Assert.Equal(new BlobStoreUsage(1, content.Length), usage);
        Assert.Equal(content, await File.ReadAllBytesAsync(registry.BlobPath(digest)));
        Assert.Empty(Directory.EnumerateFiles(Path.Combine(registry.BlobRoot, "tmp")));
        Assert.Equal(1, await registry.WithDatabaseAsync(db => db.RegistryBlobs.CountAsync(b => b.Digest == digest)));
        Assert.Equal(1, await registry.WithDatabaseAsync(db => db.RegistryBlobLinks.CountAsync(l => l.Digest == digest)));
        Assert.Equal(content, (await registry.Registry.GetBlobAsync("race/blob", digest)).Body);
        FsckAssert.Clean(await registry.CheckAsync());
    }
}
