using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Wharf.Client.Registry;
using Wharf.Server.Storage;
using Wharf.Server.Tests.Registry.Conformance;

namespace Wharf.Server.Tests.Registry.Faults;

/// <summary>
/// The registry check against the blob store: bytes missing, cut short or altered under their digest name, and
/// leftovers (bytes or staged uploads nothing records), made by editing files in the server's data directory. The
/// store is the same whatever the database, so these run on SQLite only.
/// </summary>
public sealed class RegistryFsckStoreTests
{
    private static readonly TimeSpan PastGrace = TimeSpan.FromHours(2); // the default grace period is one hour

    [Fact]
    public async Task Check_BlobBytesDeleted_ReportsBlobMissing()
    {
        await using var registry = await TestRegistry.StartAsync(postgres: null);
        var layer = await PushImageAsync(registry);

        File.Delete(registry.BlobPath(layer));

        FsckAssert.Problems(await registry.CheckAsync(verify: false), (RegistryProblemKinds.BlobMissing, layer));
    }

    [Fact]
    public async Task Check_BlobCutShort_ReportsSizeMismatch()
    {
        await using var registry = await TestRegistry.StartAsync(postgres: null);
        var layer = await PushImageAsync(registry);

        await using (var file = File.OpenWrite(registry.BlobPath(layer)))
        {
            file.SetLength(file.Length / 2);
        }

        var report = await registry.CheckAsync(verify: true);

        Assert.Contains(report.Problems, p => p is { Kind: RegistryProblemKinds.BlobSizeMismatch, Severity: RegistryProblemSeverity.Corruption } && p.Object == layer);
        Assert.Contains(report.Problems, p => p.Kind == RegistryProblemKinds.BlobCorrupt && p.Object == layer);
        Assert.True(report.HasCorruption);
    }

    [Fact]
    public async Task Check_ZeroByteFileUnderDigest_ReportsBlobCorruptEvenWithoutDeepCheck()
    {
        await using var registry = await TestRegistry.StartAsync(postgres: null);
        var layer = await PushImageAsync(registry);

        await File.WriteAllBytesAsync(registry.BlobPath(layer), []);

        FsckAssert.Problems(
            await registry.CheckAsync(verify: false),
            (RegistryProblemKinds.BlobSizeMismatch, layer),
            (RegistryProblemKinds.BlobCorrupt, layer));
    }

    [Fact]
    public async Task Check_BlobBytesAlteredInPlace_OnlyDeepCheckReportsBlobCorrupt()
    {
        await using var registry = await TestRegistry.StartAsync(postgres: null);
        var layer = await PushImageAsync(registry);
        var path = registry.BlobPath(layer);
        var bytes = await File.ReadAllBytesAsync(path);
        bytes[bytes.Length / 2] ^= 0xFF;

        await File.WriteAllBytesAsync(path, bytes);

        FsckAssert.Clean(await registry.CheckAsync(verify: false), "shallow check (sizes only)");
        FsckAssert.Problems(await registry.CheckAsync(verify: true), (RegistryProblemKinds.BlobCorrupt, layer));
    }

    [Fact]
    public async Task Check_UnrecordedBlobBytes_OrphanOnlyOnceOlderThanGraceAndRepairRemovesThem()
    {
        await using var registry = await TestRegistry.StartAsync(postgres: null);
        var written = await registry.Services.GetRequiredService<IBlobStore>().WriteAsync(new MemoryStream(TestBytes.Create("unrecorded", 5000)));
        var digest = written.Digest.ToString();

        FsckAssert.Clean(await registry.CheckAsync(), "young unrecorded bytes may be an upload about to record them");

        File.SetLastWriteTimeUtc(registry.BlobPath(digest), DateTime.UtcNow - PastGrace);
        FsckAssert.Problems(await registry.CheckAsync(), (RegistryProblemKinds.BlobOrphan, digest));
        Assert.False((await registry.CheckAsync()).HasCorruption);

        var repaired = await registry.CheckAsync(repair: true);

        Assert.True(Assert.Single(repaired.Problems).Repaired);
        Assert.False(File.Exists(registry.BlobPath(digest)));
        FsckAssert.Clean(await registry.CheckAsync(), "after repair");
    }

    [Fact]
    public async Task Check_UnlinkedRowWhoseBytesAreGone_ReportsStaleRowThatCollectionRemoves()
    {
        await using var registry = await TestRegistry.StartAsync(postgres: null, new Dictionary<string, string?> { ["Wharf:Registry:GarbageCollectionGracePeriod"] = "00:00:00" });
        var blob = new TestBlob(OciMediaTypes.OctetStream, TestBytes.Create("stale", 3000));
        await registry.Registry.PushBlobAsync("fsck/app", blob);

        // What a collection that stopped between removing the bytes and committing the row's removal leaves.
        await registry.WithDatabaseAsync(db => db.RegistryBlobLinks.Where(l => l.Digest == blob.Digest).ExecuteDeleteAsync());
        File.Delete(registry.BlobPath(blob.Digest));

        FsckAssert.Problems(await registry.CheckAsync(), (RegistryProblemKinds.BlobRowStale, blob.Digest));
        Assert.False((await registry.CheckAsync()).HasCorruption);
        await registry.CollectGarbageAsync();
        FsckAssert.Clean(await registry.CheckAsync(), "after garbage collection");
    }

    [Fact]
    public async Task Check_StagedFileWithoutSession_OrphanOnlyOnceOlderThanGraceAndRepairRemovesIt()
    {
        await using var registry = await TestRegistry.StartAsync(postgres: null);
        var id = Guid.NewGuid();
        var path = registry.StagedPath(id);
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        await File.WriteAllBytesAsync(path, new byte[1234]);

        FsckAssert.Clean(await registry.CheckAsync(), "a young staged file may belong to a session being opened");

        File.SetLastWriteTimeUtc(path, DateTime.UtcNow - PastGrace);
        FsckAssert.Problems(await registry.CheckAsync(), (RegistryProblemKinds.UploadOrphan, id.ToString("N")));

        var repaired = await registry.CheckAsync(repair: true);

        Assert.True(Assert.Single(repaired.Problems).Repaired);
        Assert.False(File.Exists(path));
        FsckAssert.Clean(await registry.CheckAsync(), "after repair");
    }

    [Fact]
    public async Task Check_SessionWithStagedBytesFromLongAgo_IsNotAnOrphan()
    {
        await using var registry = await TestRegistry.StartAsync(postgres: null);
        var location = await registry.Registry.StartUploadAsync("fsck/app");
        await registry.Registry.PatchChunkAsync(location, new byte[100], "0-99");
        var id = Guid.ParseExact(location[(location.LastIndexOf('/') + 1)..], "N");

        File.SetLastWriteTimeUtc(registry.StagedPath(id), DateTime.UtcNow - PastGrace);

        FsckAssert.Clean(await registry.CheckAsync(repair: true));
        Assert.True(File.Exists(registry.StagedPath(id)));
    }

    /// <summary>Pushes a tagged image and returns the digest of its first layer.</summary>
    private static async Task<string> PushImageAsync(TestRegistry registry)
    {
        var image = TestImages.Create("image");
        await registry.Registry.PushImageAsync("fsck/app", image);
        return image.Blobs[0].Digest;
    }
}
