using System.Collections.Concurrent;
using System.Globalization;
using System.Net;
using Wharf.Server.Tests.Infrastructure;
using Wharf.Server.Tests.Registry.Conformance;
using Wharf.Server.Tests.Registry.Faults;
using Xunit.Abstractions;

namespace Wharf.Server.Tests.Registry.GarbageCollection;

/// <summary>
/// SECURITY-RELIABILITY.md's "garbage collection while pushing and pulling", as a bounded loop: clients push new
/// images (and untag them again, making garbage) and pull tagged ones while collections run back to back with a zero
/// grace period. No pull of a tagged image may fail; a push may only be refused in the two ways the protocol gives a
/// client to retry (MANIFEST_BLOB_UNKNOWN when its blobs were swept before its manifest arrived, 503 when they were
/// swept while it published them); and the registry checks clean afterwards.
/// </summary>
/// <remarks>
/// The loop runs for <see cref="DefaultSeconds"/> seconds here, to keep the suite short; the benchmark script runs
/// the 60-second version. <c>WHARF_TEST_GC_LOAD_SECONDS</c> overrides it.
/// </remarks>
public abstract class GarbageCollectionLoadTests(ITestOutputHelper output)
{
    private const int DefaultSeconds = 10;
    private const int Pushers = 3;
    private const int Pullers = 3;
    private const string Repository = "load/app";

    private protected abstract PostgresServer? Postgres { get; }

    [Fact]
    public async Task PushPullAndCollect_Concurrently_NoTaggedPullFailsAndRegistryChecksClean()
    {
        await using var registry = await TestRegistry.StartAsync(
            Postgres, new Dictionary<string, string?> { ["Wharf:Registry:GarbageCollectionGracePeriod"] = "00:00:00" });
        var stable = Enumerable.Range(0, 3).Select(i =>
        {
            var image = new TestImage($"load/stable/{i}");
            image.AddImage(new TestImageOptions { Tag = $"stable-{i}" });
            return image;
        }).ToList();
        foreach (var image in stable)
        {
            await registry.Registry.PushImageAsync(Repository, image);
        }

        var failures = new ConcurrentQueue<string>();
        var counts = new Counts();
        using var stop = new CancellationTokenSource(TimeSpan.FromSeconds(Seconds()));
        var workers = new List<Task>();
        for (var i = 0; i < Pushers; i++)
        {
            var worker = i;
            workers.Add(Task.Run(() => PushLoopAsync(registry.Registry, worker, counts, failures, stop.Token)));
        }

        for (var i = 0; i < Pullers; i++)
        {
            var worker = i;
            workers.Add(Task.Run(() => PullLoopAsync(registry.Registry, stable, worker, counts, failures, stop.Token)));
        }

        workers.Add(Task.Run(async () =>
        {
            while (!stop.IsCancellationRequested)
            {
                await registry.CollectGarbageAsync();
                Interlocked.Increment(ref counts.Collections);
            }
        }));
        await Task.WhenAll(workers);

        output.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"{counts.Pushes} images pushed ({counts.Retries} retries), {counts.Pulls} tagged pulls, {counts.Collections} collections, {failures.Count} failures"));
        Assert.True(failures.IsEmpty, string.Join('\n', failures.Take(20)));
        Assert.True(counts.Pulls > 0 && counts.Pushes > 0 && counts.Collections > 0, "the loop did no work");

        await registry.CollectGarbageAsync();
        FsckAssert.Clean(await registry.CheckAsync(verify: true), "after the load");
        foreach (var image in stable)
        {
            await PullAsync(registry.Registry, image, image.Tags.Single().Key, failures);
        }

        Assert.True(failures.IsEmpty, string.Join('\n', failures));
    }

    private static async Task PushLoopAsync(RegistryTestClient registry, int worker, Counts counts, ConcurrentQueue<string> failures, CancellationToken stop)
    {
        for (var n = 0; !stop.IsCancellationRequested; n++)
        {
            var tag = $"new-{worker}-{n}";
            var image = new TestImage($"load/{worker}/{n}");
            image.AddImage(new TestImageOptions { Tag = tag, LayerCount = 1 });
            if (!await TryPushAsync(registry, image, tag, failures))
            {
                Interlocked.Increment(ref counts.Retries);
                continue;
            }

            Interlocked.Increment(ref counts.Pushes);

            // Tagged now, so it must pull whatever the collector does; then untagged, it becomes the collector's.
            await PullAsync(registry, image, tag, failures);
            Interlocked.Increment(ref counts.Pulls);
            var untag = await registry.DeleteManifestAsync(Repository, tag);
            if (untag.Status != HttpStatusCode.Accepted)
            {
                failures.Enqueue($"untag {tag}: {untag}");
            }
        }
    }

    /// <summary>False when the push was refused in a way that asks the client to push again.</summary>
    private static async Task<bool> TryPushAsync(RegistryTestClient registry, TestImage image, string tag, ConcurrentQueue<string> failures)
    {
        foreach (var blob in image.Blobs)
        {
            var pushed = await registry.UploadBlobAsync(Repository, blob.Content, blob.Digest);
            if (pushed.Status == HttpStatusCode.ServiceUnavailable && pushed.Header("Retry-After") is not null)
            {
                return false;
            }

            if (pushed.Status != HttpStatusCode.Created)
            {
                failures.Enqueue($"push blob of {tag}: {pushed}");
                return false;
            }
        }

        var manifest = await registry.PutManifestAsync(Repository, tag, image.Root);
        if (manifest.Status == HttpStatusCode.Created)
        {
            return true;
        }

        if (manifest.Status != HttpStatusCode.BadRequest || manifest.Errors()?.FirstOrDefault()?.Code != "MANIFEST_BLOB_UNKNOWN")
        {
            failures.Enqueue($"push manifest {tag}: {manifest}");
        }

        return false;
    }

    private static async Task PullLoopAsync(
        RegistryTestClient registry, List<TestImage> stable, int worker, Counts counts, ConcurrentQueue<string> failures, CancellationToken stop)
    {
        for (var n = worker; !stop.IsCancellationRequested; n++)
        {
            var image = stable[n % stable.Count];
            await PullAsync(registry, image, image.Tags.Single().Key, failures);
            Interlocked.Increment(ref counts.Pulls);
        }
    }

    private static async Task PullAsync(RegistryTestClient registry, TestImage image, string tag, ConcurrentQueue<string> failures)
    {
        var manifest = await registry.GetManifestAsync(Repository, tag);
        if (manifest.Status != HttpStatusCode.OK || manifest.ContentDigest != image.Root.Digest)
        {
            failures.Enqueue($"pull {tag}: {manifest}");
            return;
        }

        foreach (var blob in image.Blobs)
        {
            var pulled = await registry.GetBlobAsync(Repository, blob.Digest);
            if (pulled.Status != HttpStatusCode.OK || !pulled.Body.AsSpan().SequenceEqual(blob.Content))
            {
                failures.Enqueue($"pull blob {blob.Digest} of {tag}: {pulled}");
            }
        }
    }

    private static int Seconds()
        => int.TryParse(Environment.GetEnvironmentVariable("WHARF_TEST_GC_LOAD_SECONDS"), CultureInfo.InvariantCulture, out var seconds) && seconds > 0
            ? seconds
            : DefaultSeconds;

    /// <summary>What the loop did, updated with <see cref="Interlocked"/>.</summary>
    private sealed class Counts
    {
        public int Pushes;
        public int Retries;
        public int Pulls;
        public int Collections;
    }
}
