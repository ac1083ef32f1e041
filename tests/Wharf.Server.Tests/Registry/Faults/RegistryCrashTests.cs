using System.Net;
using Wharf.Client;
using Wharf.Client.Registry;
using Wharf.Server.Hosting;
using Wharf.Server.Registry;
using Wharf.Server.Storage;
using Wharf.Server.Tests.Infrastructure;
using Wharf.Server.Tests.Registry.Conformance;
using Xunit.Abstractions;

namespace Wharf.Server.Tests.Registry.Faults;

/// <summary>
/// SECURITY-RELIABILITY.md's "kill -9 during blob upload or manifest put": the real server in a child process, killed
/// with SIGKILL at a failpoint (or between two requests), then started again on the same data directory. After every
/// crash the deep registry check finds no corruption, and the only leftovers it accepts are the ones defined as
/// harmless: bytes published but never recorded (<c>blob-orphan</c>, which garbage collection sweeps). A tag points
/// at the old or the new manifest, never at nothing, and an interrupted upload resumes from what the server holds.
/// </summary>
public sealed class RegistryCrashTests(ITestOutputHelper output) : IDisposable
{
    private static readonly TimeSpan ExitLimit = TimeSpan.FromSeconds(60);
    private const string Repository = "crash/app";

    private readonly TempDirectory _data = new("wharf-crash");

    public void Dispose() => _data.Dispose();

    [Fact]
    public async Task MonolithicUpload_KilledMidBody_LeavesNothingUnderTheDigestAndRetrySucceeds()
    {
        var content = TestBytes.Create("crash/monolithic", 4 * FileSystemBlobStore.ChunkSize);
        var digest = OciDigest.Compute(content);

        // The second 256 KiB chunk of the body: the first is in the temp file, the rest still on the wire.
        await using (var server = await StartAsync(failpoints: $"{FileSystemBlobStore.WriteFailpoint}=exit@2"))
        {
            await AssertConnectionLostAsync(() => Client(server).PostUploadAsync(Repository, $"digest={digest}", content));
            await server.WaitForExitAsync(ExitLimit);
        }

        await using (var server = await StartAsync())
        {
            var registry = Client(server);
            Assert.False(File.Exists(BlobPath(digest)));
            FsckAssert.Clean(await CheckAsync(server), "after the crash");
            RegistryAssert.Status(HttpStatusCode.NotFound, await registry.HeadBlobAsync(Repository, digest));

            RegistryAssert.Status(HttpStatusCode.Created, await registry.PostUploadAsync(Repository, $"digest={digest}", content), "retry");
            Assert.Equal(content, (await registry.GetBlobAsync(Repository, digest)).Body);
            FsckAssert.Clean(await CheckAsync(server), "after the retry");
        }
    }

    [Fact]
    public async Task ChunkedUpload_KilledBetweenChunksAndDuringOne_ResumesFromTheBytesTheServerReports()
    {
        const int first = 2 * FileSystemBlobStore.ChunkSize;
        var content = TestBytes.Create("crash/chunked", 6 * FileSystemBlobStore.ChunkSize);
        var digest = OciDigest.Compute(content);
        string location;

        // Between chunks: the first chunk was acknowledged, then the server died.
        await using (var server = await StartAsync())
        {
            var registry = Client(server);
            location = await registry.StartUploadAsync(Repository);
            var patched = await registry.PatchChunkAsync(location, content[..first], $"0-{first - 1}");
            RegistryAssert.Status(HttpStatusCode.Accepted, patched, "first chunk");
            await server.KillAsync();
        }

        // During a chunk: killed after the second write of the next chunk's body, the rest still on the wire.
        await using (var server = await StartAsync(failpoints: $"{FileSystemBlobStore.StagedWriteFailpoint}=exit@2"))
        {
            var registry = Client(server);
            var status = await registry.GetAsync(location);
            RegistryAssert.Status(HttpStatusCode.NoContent, status, "status after the kill between chunks");
            Assert.Equal($"0-{first - 1}", status.Header("Range"));

            await AssertConnectionLostAsync(() => registry.PatchChunkAsync(location, content[first..], $"{first}-{content.Length - 1}"));
            await server.WaitForExitAsync(ExitLimit);
        }

        await using (var server = await StartAsync())
        {
            var registry = Client(server);
            var status = await registry.GetAsync(location);
            RegistryAssert.Status(HttpStatusCode.NoContent, status, "status after the kill during a chunk");
            var held = long.Parse(status.Header("Range")!.Split('-')[1], System.Globalization.CultureInfo.InvariantCulture) + 1;
            output.WriteLine($"the server holds {held} of {content.Length} bytes after the kill during the second chunk");
            Assert.InRange(held, first, content.Length - 1);
            FsckAssert.Clean(await CheckAsync(server), "with the upload interrupted");

            // The client resumes from exactly what the server says it holds; the result hashes to the digest only if
            // those bytes were the upload's own.
            var resumed = await registry.PatchChunkAsync(location, content[(int)held..], $"{held}-{content.Length - 1}");
            RegistryAssert.Status(HttpStatusCode.Accepted, resumed, "resumed chunk");
            RegistryAssert.Status(HttpStatusCode.Created, await registry.PutUploadAsync(location, digest), "finish");
            Assert.Equal(content, (await registry.GetBlobAsync(Repository, digest)).Body);
            FsckAssert.Clean(await CheckAsync(server), "after the resumed upload");
        }
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task BlobCommit_KilledAfterPublishBeforeRecord_LeavesAnOrphanThatCollectionSweepsAndRetrySucceeds(bool chunked)
    {
        var content = TestBytes.Create($"crash/record/{chunked}", 100_000);
        var digest = OciDigest.Compute(content);

        await using (var server = await StartAsync(failpoints: $"{RegistryFailpoints.UploadBeforeRecord}=exit"))
        {
            var registry = Client(server);
            if (chunked)
            {
                var location = await registry.StartUploadAsync(Repository);
                RegistryAssert.Status(HttpStatusCode.Accepted, await registry.PatchChunkAsync(location, content, $"0-{content.Length - 1}"));
                await AssertConnectionLostAsync(() => registry.PutUploadAsync(location, digest));
            }
            else
            {
                await AssertConnectionLostAsync(() => registry.PostUploadAsync(Repository, $"digest={digest}", content));
            }

            await server.WaitForExitAsync(ExitLimit);
        }

        // The crash hit the window: complete bytes under the digest, and no row for them.
        Assert.Equal(content, await File.ReadAllBytesAsync(BlobPath(digest)));

        await using (var server = await StartAsync())
        {
            var registry = Client(server);
            RegistryAssert.Status(HttpStatusCode.NotFound, await registry.HeadBlobAsync(Repository, digest), "unrecorded bytes are not readable");
            FsckAssert.Problems(await CheckAsync(server), (RegistryProblemKinds.BlobOrphan, digest));

            var collected = await Api(server).CollectGarbageAsync();
            Assert.Equal(1, collected.BlobsDeleted);
            Assert.False(File.Exists(BlobPath(digest)));
            FsckAssert.Clean(await CheckAsync(server), "after garbage collection");

            RegistryAssert.Status(HttpStatusCode.Created, await registry.PostUploadAsync(Repository, $"digest={digest}", content), "retry");
            Assert.Equal(content, (await registry.GetBlobAsync(Repository, digest)).Body);
            FsckAssert.Clean(await CheckAsync(server), "after the retry");
        }
    }

    [Theory]
    [InlineData(RegistryFailpoints.ManifestBeforeCommit, false)]
    [InlineData(RegistryFailpoints.ManifestAfterCommit, true)]
    public async Task ManifestPut_KilledAroundCommit_TagPointsAtOldOrNewManifestNeverAtNothing(string failpoint, bool committed)
    {
        var old = NewImage("old");
        var updated = NewImage("new");

        // The first manifest push passes the failpoint; the second, moving the tag, dies there.
        await using (var server = await StartAsync(failpoints: $"{failpoint}=exit@2"))
        {
            var registry = Client(server);
            await PushBlobsAsync(registry, old);
            await registry.PushManifestAsync(Repository, "latest", old.Root);
            await PushBlobsAsync(registry, updated);
            await AssertConnectionLostAsync(() => registry.PutManifestAsync(Repository, "latest", updated.Root));
            await server.WaitForExitAsync(ExitLimit);
        }

        await using (var server = await StartAsync())
        {
            var registry = Client(server);
            var expected = committed ? updated : old;
            var pulled = await registry.GetManifestAsync(Repository, "latest");
            RegistryAssert.Status(HttpStatusCode.OK, pulled, "pull the tag after the crash");
            Assert.Equal(expected.Root.Digest, pulled.ContentDigest);
            Assert.Equal(expected.Root.Content, pulled.Body);
            foreach (var blob in expected.Blobs)
            {
                Assert.Equal(blob.Content, (await registry.GetBlobAsync(Repository, blob.Digest)).Body);
            }

            var other = await registry.HeadManifestAsync(Repository, updated.Root.Digest);
            RegistryAssert.Status(committed ? HttpStatusCode.OK : HttpStatusCode.NotFound, other, "the new manifest by digest");
            FsckAssert.Clean(await CheckAsync(server), "after the crash");

            await registry.PushManifestAsync(Repository, "latest", updated.Root);
            Assert.Equal(updated.Root.Digest, (await registry.GetManifestAsync(Repository, "latest")).ContentDigest);
            FsckAssert.Clean(await CheckAsync(server), "after the retry");
        }
    }

    private async Task<WharfServerProcess> StartAsync(string? failpoints = null)
    {
        var environment = new Dictionary<string, string>
        {
            // Zero grace: the check reports every leftover at once instead of an hour later, and collection sweeps it.
            ["Wharf__Registry__GarbageCollectionGracePeriod"] = "00:00:00",
            ["Wharf__Registry__GarbageCollectionInterval"] = "00:00:00",
        };
        if (failpoints is not null)
        {
            environment[Failpoints.EnvironmentVariable] = failpoints;
        }

        var server = await WharfServerProcess.StartAsync(_data.Path, environment);
        output.WriteLine($"server started on {server.BaseAddress}{(failpoints is null ? "" : $" with {failpoints}")}");
        return server;
    }

    private async Task<RegistryCheckReport> CheckAsync(WharfServerProcess server)
    {
        var report = await Api(server).CheckRegistryAsync(verify: true);
        output.WriteLine($"check: {report.Checked}\n{FsckAssert.Describe(report)}");
        return report;
    }

    private static RegistryTestClient Client(WharfServerProcess server)
    {
        var http = server.CreateClient();
        http.Timeout = TimeSpan.FromSeconds(60);
        return new RegistryTestClient(http);
    }

    private static WharfClient Api(WharfServerProcess server) => WharfClient.Create(server.BaseAddress, TimeSpan.FromSeconds(60), server.AdminToken);

    private string BlobPath(string digest)
        => Path.Combine(_data.Path, "blobs", "sha256", digest[7..9], digest[7..]);

    private static TestImage NewImage(string label)
    {
        var image = new TestImage($"crash/{label}");
        image.AddImage(new TestImageOptions());
        return image;
    }

    private static async Task PushBlobsAsync(RegistryTestClient registry, TestImage image)
    {
        foreach (var blob in image.Blobs)
        {
            await registry.PushBlobAsync(Repository, blob);
        }
    }

    /// <summary>The request dies with the server: the connection drops, no answer arrives.</summary>
    private static async Task AssertConnectionLostAsync(Func<Task<RegistryResponse>> request)
    {
        try
        {
            var response = await request();
            Assert.Fail($"the server answered instead of dying at the failpoint: {response}");
        }
        catch (Exception ex) when (ex is HttpRequestException or IOException)
        {
        }
    }
}
