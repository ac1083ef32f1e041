using Microsoft.EntityFrameworkCore;
using Wharf.Client.Registry;
using Wharf.Server.Tests.Infrastructure;
using Wharf.Server.Tests.Registry.Conformance;

namespace Wharf.Server.Tests.Registry.Faults;

/// <summary>
/// The registry check against each invariant the database holds, on SQLite and PostgreSQL: a clean registry of every
/// shape reports nothing, and each kind of damage, made by editing rows behind the server's back, is reported as
/// exactly that kind.
/// </summary>
public abstract class RegistryFsckDatabaseTests
{
    private protected abstract PostgresServer? Postgres { get; }

    [Fact]
    public async Task Check_EmptyRegistry_IsClean()
    {
        await using var registry = await TestRegistry.StartAsync(Postgres);

        var report = await registry.CheckAsync();

        FsckAssert.Clean(report);
        Assert.True(report.Verified);
        Assert.Equal(new RegistryCheckCounts(0, 0, 0, 0, 0, 0, 0, 0), report.Checked);
    }

    [Fact]
    public async Task Check_ImagesIndexesReferrersForeignLayersAndOpenUpload_IsClean()
    {
        await using var registry = await TestRegistry.StartAsync(Postgres);
        var images = new[] { "nested-index", "artifacts-with-subject", "non-distributable-layers", "sha512-image" }.Select(TestImages.Create).ToList();
        foreach (var image in images)
        {
            await registry.Registry.PushImageAsync($"fsck/{image.Kind}", image);
        }

        var location = await registry.Registry.StartUploadAsync("fsck/open");
        RegistryAssert.Status(System.Net.HttpStatusCode.Accepted, await registry.Registry.PatchChunkAsync(location, new byte[100], "0-99"));

        var report = await registry.CheckAsync();

        FsckAssert.Clean(report);
        var blobs = images.SelectMany(i => i.Blobs).Select(b => b.Digest).Distinct().Count();
        Assert.Equal(blobs, report.Checked.Blobs);
        Assert.Equal(blobs, report.Checked.BlobFiles);
        Assert.Equal(images.Sum(i => i.Manifests.Count), report.Checked.Manifests);
        Assert.Equal(images.Sum(i => i.Tags.Count), report.Checked.Tags);
        Assert.Equal(1, report.Checked.Uploads);
        Assert.Equal(1, report.Checked.StagedUploads);
        Assert.True(report.Checked.BytesHashed >= images.Sum(i => i.Blobs.Sum(b => b.Size) + i.Manifests.Sum(m => m.Size)));
    }

    [Fact]
    public async Task Check_ManifestRowDeletedUnderItsTag_ReportsTagDangling()
    {
        await using var registry = await TestRegistry.StartAsync(Postgres);
        var image = TestImages.Create("image");
        await registry.Registry.PushImageAsync("fsck/app", image);
        var id = await ManifestIdAsync(registry, image.Root.Digest);

        await registry.ExecuteUncheckedAsync("DELETE FROM registry_manifests WHERE id = {0}", id);

        // Its blobs are still linked, and the references of the vanished row no longer count: only the tag dangles.
        FsckAssert.Problems(await registry.CheckAsync(), (RegistryProblemKinds.TagDangling, "fsck/app:image"));
    }

    [Fact]
    public async Task Check_LinkOfReferencedBlobDeleted_ReportsManifestBlobUnlinked()
    {
        await using var registry = await TestRegistry.StartAsync(Postgres);
        var image = TestImages.Create("image");
        await registry.Registry.PushImageAsync("fsck/app", image);
        var layer = image.Blobs[0].Digest;

        await registry.WithDatabaseAsync(db => db.RegistryBlobLinks.Where(l => l.Digest == layer).ExecuteDeleteAsync());

        FsckAssert.Problems(await registry.CheckAsync(), (RegistryProblemKinds.ManifestBlobUnlinked, $"fsck/app@{image.Root.Digest}"));
    }

    [Fact]
    public async Task Check_BlobRowOfLinkedBlobDeleted_ReportsLinkDangling()
    {
        await using var registry = await TestRegistry.StartAsync(Postgres);
        var image = TestImages.Create("image");
        await registry.Registry.PushImageAsync("fsck/app", image);
        var layer = image.Blobs[0].Digest;

        await registry.WithDatabaseAsync(db => db.RegistryBlobs.Where(b => b.Digest == layer).ExecuteDeleteAsync());

        // The bytes are now unrecorded too, but younger than the grace period: possibly in flight, not reported.
        FsckAssert.Problems(await registry.CheckAsync(), (RegistryProblemKinds.LinkDangling, $"fsck/app@{layer}"));
    }

    [Fact]
    public async Task Check_IndexChildDeleted_ReportsManifestChildMissing()
    {
        await using var registry = await TestRegistry.StartAsync(Postgres);
        var image = TestImages.Create("index");
        await registry.Registry.PushImageAsync("fsck/multi", image);
        var child = image.Manifests[0].Digest;

        await registry.WithDatabaseAsync(db => db.RegistryManifests.Where(m => m.Digest == child).ExecuteDeleteAsync());

        FsckAssert.Problems(await registry.CheckAsync(), (RegistryProblemKinds.ManifestChildMissing, $"fsck/multi@{image.Root.Digest}"));
    }

    [Fact]
    public async Task Check_ManifestBytesAltered_OnlyDeepCheckReportsManifestCorrupt()
    {
        await using var registry = await TestRegistry.StartAsync(Postgres);
        var image = TestImages.Create("image");
        await registry.Registry.PushImageAsync("fsck/app", image);
        var altered = image.Root.Content.ToArray();
        altered[^2] = (byte)' '; // still JSON, different bytes

        await registry.ExecuteUncheckedAsync("UPDATE registry_manifests SET content = {0} WHERE digest = {1}", altered, image.Root.Digest);

        FsckAssert.Clean(await registry.CheckAsync(verify: false), "shallow check");
        FsckAssert.Problems(await registry.CheckAsync(verify: true), (RegistryProblemKinds.ManifestCorrupt, $"fsck/app@{image.Root.Digest}"));
    }

    [Fact]
    public async Task Check_ManifestReferenceRowDeleted_DeepCheckReportsManifestCorrupt()
    {
        await using var registry = await TestRegistry.StartAsync(Postgres);
        var image = TestImages.Create("image");
        await registry.Registry.PushImageAsync("fsck/app", image);
        var layer = image.Blobs[0].Digest;

        await registry.WithDatabaseAsync(db => db.RegistryManifestReferences.Where(r => r.Digest == layer).ExecuteDeleteAsync());

        FsckAssert.Problems(await registry.CheckAsync(verify: true), (RegistryProblemKinds.ManifestCorrupt, $"fsck/app@{image.Root.Digest}"));
    }

    [Fact]
    public async Task Check_SessionUntouchedPastItsLifetime_ReportsUploadExpired()
    {
        await using var registry = await TestRegistry.StartAsync(Postgres);
        var location = await registry.Registry.StartUploadAsync("fsck/app");
        var id = location[(location.LastIndexOf('/') + 1)..];
        var longAgo = DateTimeOffset.UtcNow.AddDays(-2);

        await registry.WithDatabaseAsync(db => db.RegistryUploads.ExecuteUpdateAsync(s => s.SetProperty(u => u.UpdatedAt, longAgo)));

        FsckAssert.Problems(await registry.CheckAsync(), (RegistryProblemKinds.UploadExpired, id));
        Assert.Equal(1, (await registry.CollectGarbageAsync()).UploadsExpired);
        FsckAssert.Clean(await registry.CheckAsync(), "after garbage collection");
    }

    private static Task<long> ManifestIdAsync(TestRegistry registry, string digest)
        => registry.WithDatabaseAsync(db => db.RegistryManifests.Where(m => m.Digest == digest).Select(m => m.Id).SingleAsync());
}
