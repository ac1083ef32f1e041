using System.Globalization;
using System.Net;
using System.Text;
using System.Text.RegularExpressions;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;
using Wharf.Server.Hosting;
using Wharf.Server.Registry;
using Wharf.Server.Storage;
using Wharf.Server.Tests.Infrastructure;
using Wharf.Server.Tests.Registry.Conformance;
using Wharf.Server.Tests.Registry.Faults;

namespace Wharf.Server.Tests.Registry.GarbageCollection;

/// <summary>
/// Online garbage collection on SQLite and PostgreSQL, with a fake clock so the grace period (ten minutes here) and the
/// upload lifetime (thirty) pass when the test says: what is reachable stays, what is not goes once it is older than
/// the grace period, and a push racing a sweep is refused rather than accepted dangling.
/// </summary>
public abstract partial class RegistryGarbageCollectionTests
{
    private static readonly TimeSpan Grace = TimeSpan.FromMinutes(10);
    private static readonly TimeSpan UploadLifetime = TimeSpan.FromMinutes(30);
    private static readonly TimeSpan PauseLimit = TimeSpan.FromSeconds(60);

    private readonly FakeTimeProvider _time = new(DateTimeOffset.UtcNow);

    private protected abstract PostgresServer? Postgres { get; }

    [Fact]
    public async Task Collect_UntaggedManifestWithinGrace_KeepsIt()
    {
        await using var registry = await StartAsync();
        var image = NewImage("within-grace", tag: null);
        await registry.Registry.PushImageAsync("gc/app", image);
        _time.Advance(Grace / 2);

        var report = await registry.CollectGarbageAsync();

        Assert.Equal(0, report.ManifestsDeleted + report.BlobsDeleted);
        await AssertPresentAsync(registry, "gc/app", image);
    }

    [Fact]
    public async Task Collect_UntaggedManifestPastGrace_SweepsItAndItsBlobs()
    {
        await using var registry = await StartAsync();
        var image = NewImage("past-grace", tag: null);
        await registry.Registry.PushImageAsync("gc/app", image);
        PassGrace();

        var report = await registry.CollectGarbageAsync();

        Assert.Equal(1, report.ManifestsDeleted);
        Assert.Equal(image.Blobs.Count, report.BlobsDeleted);
        await AssertGoneAsync(registry, "gc/app", image);
        FsckAssert.Clean(await registry.CheckAsync());
    }

    [Fact]
    public async Task Collect_UntaggedManifestRepushedPastGrace_KeptForAnotherGrace()
    {
        await using var registry = await StartAsync();
        var image = NewImage("repushed", tag: null);
        await registry.Registry.PushImageAsync("gc/app", image);
        PassGrace();

        // Pushed again, as a client does before pushing the index that will list it: the grace period starts over.
        await registry.Registry.PushImageAsync("gc/app", image);
        var report = await registry.CollectGarbageAsync();

        Assert.Equal(0, report.ManifestsDeleted + report.BlobsDeleted);
        await AssertPresentAsync(registry, "gc/app", image);
    }

    [Fact]
    public async Task Collect_IndexChildren_KeptWhileIndexTaggedAndSweptInLaterRoundsOnceUntagged()
    {
        await using var registry = await StartAsync();
        var image = TestImages.Create("nested-index"); // index of two indexes of two images each
        await registry.Registry.PushImageAsync("gc/multi", image);
        PassGrace();

        Assert.Equal(0, (await registry.CollectGarbageAsync()).ManifestsDeleted);
        await AssertPresentAsync(registry, "gc/multi", image);

        RegistryAssert.Status(HttpStatusCode.Accepted, await registry.Registry.DeleteManifestAsync("gc/multi", "index-of-index"));
        var report = await registry.CollectGarbageAsync();

        Assert.Equal(image.Manifests.Count, report.ManifestsDeleted);
        await AssertGoneAsync(registry, "gc/multi", image);
        FsckAssert.Clean(await registry.CheckAsync());
    }

    [Fact]
    public async Task Collect_UntaggedReferrer_KeptWhileItsSubjectExistsAndSweptAfter()
    {
        await using var registry = await StartAsync();
        var image = new TestImage("gc/referrers");
        var subject = image.AddImage(new TestImageOptions { Tag = "image" });
        var referrer = image.AddImage(TestImages.Artifact(OciMediaTypes.ExampleArtifactA) with { Subject = subject });
        await registry.Registry.PushImageAsync("gc/app", image);
        PassGrace();

        Assert.Equal(0, (await registry.CollectGarbageAsync()).ManifestsDeleted);
        RegistryAssert.Status(HttpStatusCode.OK, await registry.Registry.HeadManifestAsync("gc/app", referrer.Digest), "referrer of a live subject");

        RegistryAssert.Status(HttpStatusCode.Accepted, await registry.Registry.DeleteManifestAsync("gc/app", subject.Digest));
        var report = await registry.CollectGarbageAsync();

        Assert.Equal(1, report.ManifestsDeleted);
        RegistryAssert.Status(HttpStatusCode.NotFound, await registry.Registry.HeadManifestAsync("gc/app", referrer.Digest), "referrer of a deleted subject");
        await AssertGoneAsync(registry, "gc/app", image);
        FsckAssert.Clean(await registry.CheckAsync());
    }

    [Fact]
    public async Task Collect_BlobsOfTaggedManifest_KeepsThem()
    {
        await using var registry = await StartAsync();
        var image = NewImage("tagged", tag: "v1");
        await registry.Registry.PushImageAsync("gc/app", image);
        PassGrace();

        var report = await registry.CollectGarbageAsync();

        Assert.Equal(0, report.ManifestsDeleted + report.BlobLinksDeleted + report.BlobsDeleted);
        await AssertPresentAsync(registry, "gc/app", image);
        FsckAssert.Clean(await registry.CheckAsync());
    }

    [Fact]
    public async Task Collect_BlobPushedWithoutManifest_KeptWithinGraceAndSweptAfter()
    {
        await using var registry = await StartAsync();
        var blob = new TestBlob(OciMediaTypes.OctetStream, TestBytes.Create("gc/lonely", 4000));
        await registry.Registry.PushBlobAsync("gc/app", blob);
        _time.Advance(Grace / 2);

        Assert.Equal(0, (await registry.CollectGarbageAsync()).BlobsDeleted);
        RegistryAssert.Status(HttpStatusCode.OK, await registry.Registry.HeadBlobAsync("gc/app", blob.Digest), "within grace");

        PassGrace();
        var report = await registry.CollectGarbageAsync();

        Assert.Equal((1, 1, blob.Size), (report.BlobLinksDeleted, report.BlobsDeleted, report.BytesFreed));
        RegistryAssert.Status(HttpStatusCode.NotFound, await registry.Registry.HeadBlobAsync("gc/app", blob.Digest), "past grace");
        Assert.False(File.Exists(registry.BlobPath(blob.Digest)));
    }

    [Fact]
    public async Task Collect_BlobSharedByTwoRepositories_KeptWhileEitherReferencesIt()
    {
        await using var registry = await StartAsync();
        var image = NewImage("shared", tag: "v1");
        await registry.Registry.PushImageAsync("gc/one", image);
        await registry.Registry.PushImageAsync("gc/two", image);
        PassGrace();

        RegistryAssert.Status(HttpStatusCode.Accepted, await registry.Registry.DeleteManifestAsync("gc/one", "v1"));
        var first = await registry.CollectGarbageAsync();

        Assert.Equal((1, image.Blobs.Count, 0), (first.ManifestsDeleted, first.BlobLinksDeleted, first.BlobsDeleted));
        await AssertPresentAsync(registry, "gc/two", image);
        RegistryAssert.Status(HttpStatusCode.NotFound, await registry.Registry.HeadBlobAsync("gc/one", image.Blobs[0].Digest), "unlinked from the first repository");

        RegistryAssert.Status(HttpStatusCode.Accepted, await registry.Registry.DeleteManifestAsync("gc/two", "v1"));
        var second = await registry.CollectGarbageAsync();

        Assert.Equal(image.Blobs.Count, second.BlobsDeleted);
        Assert.All(image.Blobs, b => Assert.False(File.Exists(registry.BlobPath(b.Digest))));
        FsckAssert.Clean(await registry.CheckAsync());
    }

    [Fact]
    public async Task Collect_UploadSessionPastLifetime_PurgedWithStagedBytesWhileLiveOneKept()
    {
        await using var registry = await StartAsync();
        var abandoned = await StartStagedUploadAsync(registry);
        _time.Advance(UploadLifetime / 2);
        var live = await StartStagedUploadAsync(registry);
        _time.Advance((UploadLifetime / 2) + TimeSpan.FromMinutes(1));

        var report = await registry.CollectGarbageAsync();

        Assert.Equal(1, report.UploadsExpired);
        Assert.False(File.Exists(registry.StagedPath(abandoned.Id)));
        RegistryAssert.Status(HttpStatusCode.NotFound, await registry.Registry.GetAsync(abandoned.Location), "expired session");
        Assert.True(File.Exists(registry.StagedPath(live.Id)));
        RegistryAssert.Status(HttpStatusCode.NoContent, await registry.Registry.GetAsync(live.Location), "live session");
    }

    [Fact]
    public async Task Collect_UnrecordedBytesOfInterruptedUpload_SweptOnlyPastGrace()
    {
        await using var registry = await StartAsync();
        var written = await registry.Services.GetRequiredService<IBlobStore>().WriteAsync(new MemoryStream(TestBytes.Create("gc/unrecorded", 3000)));
        var path = registry.BlobPath(written.Digest.ToString());

        Assert.Equal(0, (await registry.CollectGarbageAsync()).BlobsDeleted);
        Assert.True(File.Exists(path));

        // The file's time is the real clock's; the fake one passes the grace period with margin for a slow test.
        _time.Advance(Grace + TimeSpan.FromHours(1));
        var report = await registry.CollectGarbageAsync();

        Assert.Equal((1, 3000L), (report.BlobsDeleted, report.BytesFreed));
        Assert.False(File.Exists(path));
    }

    [Fact]
    public async Task Collect_WhenItSweeps_IncreasesSweptTotalMetric()
    {
        await using var registry = await StartAsync();
        var image = NewImage("metrics", tag: null);
        await registry.Registry.PushImageAsync("gc/app", image);
        PassGrace();
        var before = await SweptTotalsAsync(registry);

        await registry.CollectGarbageAsync();

        // Other tests in this process collect too, so the counters may grow by more; never by less.
        var after = await SweptTotalsAsync(registry);
        Assert.True(after.GetValueOrDefault("manifest") - before.GetValueOrDefault("manifest") >= 1, $"manifest: {before.GetValueOrDefault("manifest")} -> {after.GetValueOrDefault("manifest")}");
        Assert.True(after.GetValueOrDefault("blob") - before.GetValueOrDefault("blob") >= image.Blobs.Count, $"blob: {before.GetValueOrDefault("blob")} -> {after.GetValueOrDefault("blob")}");
    }

    [Fact]
    public async Task ManifestPut_WhileCollectionHasSweptItsBlobLinks_IsRefusedWithManifestBlobUnknown()
    {
        await using var registry = await StartAsync();
        var image = NewImage("race", tag: "v1");
        foreach (var blob in image.Blobs)
        {
            await registry.Registry.PushBlobAsync("gc/app", blob);
        }

        PassGrace();
        var collector = registry.Services.GetRequiredService<RegistryGarbageCollector>();
        var paused = new TaskCompletionSource<Failpoints.Scope>(TaskCreationOptions.RunContinuationsAsynchronously);
        var collection = Task.Run(() =>
        {
            // Enabled in the collection's own flow, so only it stops there.
            paused.SetResult(Failpoints.Enable(RegistryFailpoints.GarbageCollectionAfterLinkSweep, Failpoints.FailAction.Pause));
            return collector.CollectAsync();
        });
        var scope = await paused.Task;
        GarbageCollectionReport report;
        try
        {
            await scope.Reached.WaitAsync(PauseLimit);

            // The blob rows and bytes are still there, but no longer linked: the push must not see them as present.
            Assert.True(File.Exists(registry.BlobPath(image.Blobs[0].Digest)));
            var put = await registry.Registry.PutManifestAsync("gc/app", "v1", image.Root);
            RegistryAssert.Error(put, HttpStatusCode.BadRequest, "MANIFEST_BLOB_UNKNOWN");
        }
        finally
        {
            scope.Dispose();
            report = await collection.WaitAsync(PauseLimit);
        }

        Assert.Equal(image.Blobs.Count, report.BlobsDeleted);
        RegistryAssert.Status(HttpStatusCode.NotFound, await registry.Registry.GetManifestAsync("gc/app", "v1"), "the refused manifest");
        FsckAssert.Clean(await registry.CheckAsync());

        // The client's answer to MANIFEST_BLOB_UNKNOWN: push the blobs again, then the manifest.
        await registry.Registry.PushImageAsync("gc/app", image);
        await AssertPresentAsync(registry, "gc/app", image);
        FsckAssert.Clean(await registry.CheckAsync(), "after the retry");
    }

    private async Task<TestRegistry> StartAsync()
        => await TestRegistry.StartAsync(
            Postgres,
            new Dictionary<string, string?>
            {
                ["Wharf:Registry:GarbageCollectionGracePeriod"] = Grace.ToString("c", CultureInfo.InvariantCulture),
                ["Wharf:Registry:UploadSessionLifetime"] = UploadLifetime.ToString("c", CultureInfo.InvariantCulture),
            },
            _time);

    private void PassGrace() => _time.Advance(Grace + TimeSpan.FromMinutes(1));

    private static TestImage NewImage(string label, string? tag)
    {
        var image = new TestImage($"gc/{label}");
        image.AddImage(new TestImageOptions { Tag = tag });
        return image;
    }

    private static async Task<(Guid Id, string Location)> StartStagedUploadAsync(TestRegistry registry)
    {
        var location = await registry.Registry.StartUploadAsync("gc/app");
        RegistryAssert.Status(HttpStatusCode.Accepted, await registry.Registry.PatchChunkAsync(location, new byte[500], "0-499"), "stage bytes");
        return (Guid.ParseExact(location[(location.LastIndexOf('/') + 1)..], "N"), location);
    }

    private static async Task AssertPresentAsync(TestRegistry registry, string repository, TestImage image)
    {
        foreach (var manifest in image.Manifests)
        {
            RegistryAssert.Status(HttpStatusCode.OK, await registry.Registry.HeadManifestAsync(repository, manifest.Digest), $"manifest {manifest.Digest}");
        }

        foreach (var blob in image.Blobs)
        {
            var pulled = await registry.Registry.GetBlobAsync(repository, blob.Digest);
            RegistryAssert.Status(HttpStatusCode.OK, pulled, $"blob {blob.Digest}");
            Assert.Equal(blob.Content, pulled.Body);
        }
    }

    private static async Task AssertGoneAsync(TestRegistry registry, string repository, TestImage image)
    {
        foreach (var manifest in image.Manifests)
        {
            RegistryAssert.Status(HttpStatusCode.NotFound, await registry.Registry.HeadManifestAsync(repository, manifest.Digest), $"manifest {manifest.Digest}");
        }

        foreach (var blob in image.Blobs)
        {
            RegistryAssert.Status(HttpStatusCode.NotFound, await registry.Registry.HeadBlobAsync(repository, blob.Digest), $"blob {blob.Digest}");
            Assert.False(File.Exists(registry.BlobPath(blob.Digest)), $"bytes of {blob.Digest} still stored");
        }
    }

    /// <summary><c>wharf_registry_gc_swept_total</c> by kind, scraped from the server's /metrics.</summary>
    private static async Task<Dictionary<string, double>> SweptTotalsAsync(TestRegistry registry)
    {
        var text = Encoding.UTF8.GetString((await registry.Registry.GetAsync("/metrics")).Body);
        return SweptLine().Matches(text).ToDictionary(
            m => m.Groups["kind"].Value,
            m => double.Parse(m.Groups["value"].Value, CultureInfo.InvariantCulture),
            StringComparer.Ordinal);
    }

    [GeneratedRegex("""^wharf_registry_gc_swept_total\{kind="(?<kind>[a-z_]+)"\} (?<value>\S+)$""", RegexOptions.Multiline)]
    private static partial Regex SweptLine();
}
