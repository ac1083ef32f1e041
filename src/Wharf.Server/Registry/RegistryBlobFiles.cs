using Wharf.Oci;
using Wharf.Server.Storage;

namespace Wharf.Server.Registry;

/// <summary>
/// The two facts the registry's crash-leftover handling (fsck, and garbage collection of unrecorded bytes) needs beyond
/// the <see cref="IBlobStore"/> contract: when a stored blob was written, and which staged uploads exist.
/// </summary>
/// <remarks>
/// Only the filesystem store outlives a crash, so only it can hold such leftovers; for any other store the age is
/// unknown (and unknown-age bytes are never treated as leftovers) and there are no staged files to list. Kept here
/// rather than in the store contract because no other feature needs it.
/// </remarks>
internal static class RegistryBlobFiles
{
    /// <summary>When the blob's bytes were last written (publishing keeps the time of the write), or null when unknown or absent.</summary>
    public static DateTimeOffset? LastWritten(IBlobStore blobs, Digest digest)
    {
        if (blobs is not FileSystemBlobStore store)
        {
            return null;
        }

        var info = new FileInfo(store.PathOf(digest));
        return info.Exists ? new DateTimeOffset(info.LastWriteTimeUtc, TimeSpan.Zero) : null;
    }

    /// <summary>The staged uploads in the store (none for stores that keep them in memory).</summary>
    public static IEnumerable<StagedUploadFile> ListStaged(IBlobStore blobs)
    {
        if (blobs is not FileSystemBlobStore store)
        {
            yield break;
        }

        var directory = new DirectoryInfo(Path.Combine(store.Root, FileSystemBlobStore.UploadsDirectoryName));
        if (!directory.Exists)
        {
            yield break;
        }

        foreach (var file in directory.EnumerateFiles())
        {
            // The store names staged files by the session's GUID; anything else is not an upload.
            if (!Guid.TryParseExact(file.Name, "N", out var id))
            {
                continue;
            }

            StagedUploadFile staged;
            try
            {
                staged = new StagedUploadFile(id, file.Length, new DateTimeOffset(file.LastWriteTimeUtc, TimeSpan.Zero));
            }
            catch (FileNotFoundException)
            {
                continue; // committed or cancelled since the directory was read
            }

            yield return staged;
        }
    }

    /// <summary>True when the staged upload's file still exists.</summary>
    public static bool StagedExists(IBlobStore blobs, Guid id)
        => blobs is FileSystemBlobStore store
            && File.Exists(Path.Combine(store.Root, FileSystemBlobStore.UploadsDirectoryName, id.ToString("N")));
}
