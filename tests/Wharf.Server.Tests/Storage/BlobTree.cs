using Wharf.Oci;
using Wharf.Server.Storage;

namespace Wharf.Server.Tests.Storage;

/// <summary>Invariant checks over a filesystem store's directory tree (the test side of a future <c>wharf fsck</c>).</summary>
internal static class BlobTree
{
    private static readonly string EmptySha256 = Digest.Sha256([]).Hex;

    /// <summary>
    /// Every file under a digest directory hashes to its name and sits in its fan-out directory, and no file anywhere
    /// in the tree is empty except the genuine empty blob.
    /// </summary>
    public static async Task AssertConsistentAsync(string root)
    {
        foreach (var path in Directory.EnumerateFiles(root, "*", SearchOption.AllDirectories))
        {
            var relative = Path.GetRelativePath(root, path).Split(Path.DirectorySeparatorChar);
            var info = new FileInfo(path);
            if (relative[0] == FileSystemBlobStore.TempDirectoryName)
            {
                Assert.True(info.Length > 0, $"zero-byte temp file {path}");
                continue;
            }

            Assert.Equal(3, relative.Length);
            Assert.Equal(relative[2][..2], relative[1]);
            var digest = Digest.Parse($"{relative[0]}:{relative[2]}");
            Assert.True(info.Length > 0 || digest.Hex == EmptySha256, $"zero-byte file under digest name {path}");

            using var hash = digest.CreateHash();
            await using var stream = File.OpenRead(path);
            var buffer = new byte[1 << 20];
            int read;
            while ((read = await stream.ReadAsync(buffer)) > 0)
            {
                hash.AppendData(buffer, 0, read);
            }

            Assert.Equal(digest, Digest.FromHash(digest.Algorithm, hash.GetHashAndReset()));
        }
    }

    /// <summary>Files in the store's temp directory.</summary>
    public static string[] TempFiles(string root)
    {
        var temp = Path.Combine(root, FileSystemBlobStore.TempDirectoryName);
        return Directory.Exists(temp) ? Directory.GetFiles(temp) : [];
    }

    /// <summary>Sum of the sizes of the files in the store's temp directory.</summary>
    public static long TempBytes(string root) => TempFiles(root).Sum(static f => new FileInfo(f).Length);
}
