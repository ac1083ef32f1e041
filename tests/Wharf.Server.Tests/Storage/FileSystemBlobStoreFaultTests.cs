using System.Diagnostics;
using Microsoft.Extensions.Logging.Abstractions;
using Wharf.Oci;
using Wharf.Server.Hosting;
using Wharf.Server.Storage;
using Wharf.Server.Tests.Infrastructure;
using Xunit.Abstractions;

namespace Wharf.Server.Tests.Storage;

/// <summary>
/// Faults from SECURITY-RELIABILITY.md, injected for real where the machine allows: a writer process killed with
/// SIGKILL at a failpoint, and a genuinely full (tmpfs) filesystem.
/// </summary>
public sealed class FileSystemBlobStoreFaultTests(ITestOutputHelper output) : IDisposable
{
    private static readonly TimeSpan ChildDeadline = TimeSpan.FromMinutes(2);
    private readonly TempDirectory _directory = new();

    private string Root => _directory.Combine("blobs");

    public void Dispose() => _directory.Dispose();

    [Theory]
    [InlineData("blob.beforeRename=pause")]
    [InlineData("blob.write=pause@3")]
    [InlineData("blob.beforeRename=exit")]
    public async Task WriteAsync_WriterKilledAtFailpoint_LeavesNoBlobAndRetrySucceeds(string failpoints)
    {
        var file = _directory.Combine("source.bin");
        var content = new byte[4 * FileSystemBlobStore.ChunkSize];
        new Random(9).NextBytes(content);
        await File.WriteAllBytesAsync(file, content);
        var digest = Digest.Sha256(content);
        var signal = _directory.Combine("signal");

        using (var child = BlobStoreChild.Start(Root, file, failpoints, signal))
        {
            var stderr = child.StandardError.ReadToEndAsync();
            using var deadline = new CancellationTokenSource(ChildDeadline);
            if (failpoints.EndsWith("=exit", StringComparison.Ordinal))
            {
                await child.WaitForExitAsync(deadline.Token);
            }
            else
            {
                while (!File.Exists(signal))
                {
                    if (child.HasExited)
                    {
                        Assert.Fail($"child exited with {child.ExitCode} before reaching the failpoint: {await stderr}");
                    }

                    await Task.Delay(20, deadline.Token);
                }

                child.Kill(); // SIGKILL: no finally blocks, no flushing, exactly a crash
                await child.WaitForExitAsync(deadline.Token);
            }

            output.WriteLine($"child exit code {child.ExitCode}; stderr: {await stderr}");
            Assert.NotEqual(0, child.ExitCode);
        }

        // The crash left its temp file (so the test did hit the window) but nothing under the digest.
        Assert.NotEmpty(BlobTree.TempFiles(Root));
        Assert.False(File.Exists(Path.Combine(Root, "sha256", digest.Hex[..2], digest.Hex)));
        await BlobTree.AssertConsistentAsync(Root);

        var store = new FileSystemBlobStore(Root, NullLogger<FileSystemBlobStore>.Instance, TimeProvider.System);

        Assert.Empty(BlobTree.TempFiles(Root));
        Assert.Null(await store.GetSizeAsync(digest));
        Assert.Equal(new BlobStoreUsage(0, 0), await store.GetUsageAsync());
        var retry = await store.WriteAsync(new MemoryStream(content), digest);
        Assert.True(retry.Created);
        await BlobTree.AssertConsistentAsync(Root);
        Assert.Equal(new BlobStoreUsage(1, content.Length), await store.GetUsageAsync());
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public async Task WriteAsync_DiskFullMidWrite_FailsCleanlyAndRecoversWhenSpaceReturns(bool realFilesystem)
    {
        // A real full disk needs root to mount a 2 MiB tmpfs. Where that is impossible the test says so and injects
        // ENOSPC with the failpoint instead, so it never passes without having exercised a full disk.
        var mounted = false;
        if (realFilesystem)
        {
            Directory.CreateDirectory(Root);
            mounted = await TryRunAsync("mount", "-t", "tmpfs", "-o", "size=2m", "tmpfs", Root);
            output.WriteLine(mounted
                ? "2 MiB tmpfs mounted: the disk really fills"
                : "mounting a tmpfs is not permitted here; using the blob.write=enospc failpoint instead");
        }

        try
        {
            var store = new FileSystemBlobStore(Root, NullLogger<FileSystemBlobStore>.Instance, TimeProvider.System);
            var existing = await store.WriteAsync(new GeneratedStream(100_000, seed: 1));
            const long size = 4L << 20;

            IOException failure;
            using (mounted ? null : Failpoints.Enable(FileSystemBlobStore.WriteFailpoint, Failpoints.FailAction.Enospc, fromHit: 3))
            {
                failure = await Assert.ThrowsAnyAsync<IOException>(() => store.WriteAsync(new GeneratedStream(size, seed: 2)));
            }

            output.WriteLine($"write failed with {failure.GetType().Name} (HResult {failure.HResult}): {failure.Message}");
            Assert.True(failure.IsDiskFull());
            Assert.Null(await store.GetSizeAsync(GeneratedStream.DigestOf(size, seed: 2)));
            Assert.Empty(BlobTree.TempFiles(Root));
            Assert.Equal(new BlobStoreUsage(1, 100_000), await store.GetUsageAsync());
            Assert.Equal(existing.Digest, await HashAsync(store, existing.Digest));
            await BlobTree.AssertConsistentAsync(Root);

            if (mounted)
            {
                Assert.True(await TryRunAsync("mount", "-o", "remount,size=16m", Root));
            }

            var retry = await store.WriteAsync(new GeneratedStream(size, seed: 2));
            Assert.True(retry.Created);
            Assert.Equal(retry.Digest, await HashAsync(store, retry.Digest));
            Assert.Equal(new BlobStoreUsage(2, 100_000 + size), await store.GetUsageAsync());
        }
        finally
        {
            if (mounted && !await TryRunAsync("umount", Root))
            {
                await TryRunAsync("umount", "-l", Root);
            }
        }
    }

    [Fact]
    public async Task WriteAsync_FailureBetweenFsyncAndRename_LeavesNothingVisible()
    {
        var store = new FileSystemBlobStore(Root, NullLogger<FileSystemBlobStore>.Instance, TimeProvider.System);
        var content = new byte[10_000];

        using (Failpoints.Enable(FileSystemBlobStore.BeforeRenameFailpoint, Failpoints.FailAction.Throw))
        {
            await Assert.ThrowsAsync<InvalidOperationException>(() => store.WriteAsync(new MemoryStream(content)));
        }

        Assert.Null(await store.GetSizeAsync(Digest.Sha256(content)));
        Assert.Empty(BlobTree.TempFiles(Root));
        Assert.True((await store.WriteAsync(new MemoryStream(content))).Created);
    }

    [Fact]
    public async Task WriteAsync_PausedBeforeRename_IsInvisibleToReadersUntilRenamed()
    {
        var store = new FileSystemBlobStore(Root, NullLogger<FileSystemBlobStore>.Instance, TimeProvider.System);
        var content = new byte[2 * FileSystemBlobStore.ChunkSize];
        new Random(4).NextBytes(content);
        var digest = Digest.Sha256(content);
        Task<BlobWriteResult> write;

        using (var pause = Failpoints.Enable(FileSystemBlobStore.BeforeRenameFailpoint, Failpoints.FailAction.Pause))
        {
            write = Task.Run(() => store.WriteAsync(new MemoryStream(content), digest));
            await pause.Reached.WaitAsync(ChildDeadline);

            // Every byte is written and fsynced, yet the blob does not exist for anyone until the rename.
            Assert.Equal(content.Length, BlobTree.TempBytes(Root));
            Assert.Null(await store.GetSizeAsync(digest));
            Assert.Null(await store.OpenReadAsync(digest));
        }

        Assert.True((await write).Created);
        Assert.Equal(content.Length, await store.GetSizeAsync(digest));
    }

    private static async Task<Digest> HashAsync(IBlobStore store, Digest digest)
    {
        await using var stream = await store.OpenReadAsync(digest);
        Assert.NotNull(stream);
        using var hash = digest.CreateHash();
        var buffer = new byte[81920];
        int read;
        while ((read = await stream.ReadAsync(buffer)) > 0)
        {
            hash.AppendData(buffer, 0, read);
        }

        return Digest.FromHash(digest.Algorithm, hash.GetHashAndReset());
    }

    private async Task<bool> TryRunAsync(string command, params string[] args)
    {
        try
        {
            var start = new ProcessStartInfo(command) { RedirectStandardError = true, UseShellExecute = false };
            foreach (var arg in args)
            {
                start.ArgumentList.Add(arg);
            }

            using var process = Process.Start(start)!;
            var stderr = await process.StandardError.ReadToEndAsync();
            await process.WaitForExitAsync();
            if (process.ExitCode != 0)
            {
                output.WriteLine($"{command} {string.Join(' ', args)}: exit {process.ExitCode}: {stderr}");
            }

            return process.ExitCode == 0;
        }
        catch (System.ComponentModel.Win32Exception ex)
        {
            output.WriteLine($"{command}: {ex.Message}");
            return false;
        }
    }
}
