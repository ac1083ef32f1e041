using System.Formats.Tar;
using System.IO.Compression;
using Wharf.Oci.Layout;

namespace Wharf.Benchmarks.Images;

/// <summary>
/// The physical limit of building a layer: the same files as a deterministic tar (System.Formats.Tar, ustar, sorted
/// ordinal, fixed mtime, uid/gid 0, normalised modes), gzip level 6 (when asked), SHA-256 of the tar (diff_id) and
/// of the gzip (digest), written to a file, in one tight synchronous loop: no cache, no checks, no config.
/// </summary>
internal static class TarGzipShaLimit
{
    public static (string Digest, string DiffId, long Size) WriteLayer(IReadOnlyList<(string ImagePath, string? Source)> entries, string destination, bool gzip)
    {
        using var file = new FileStream(destination, FileMode.Create, FileAccess.Write, FileShare.None, 1 << 16);
        using var compressed = new HashingWriteStream(file);
        var zip = gzip ? new GZipStream(compressed, new ZLibCompressionOptions { CompressionLevel = 6 }, leaveOpen: true) : null;
        string diffId;
        using (var uncompressed = new HashingWriteStream(zip ?? (Stream)compressed))
        {
            // Flushed, not disposed: disposing a BufferedStream disposes the stream under it, and its hash with it.
            var buffered = new BufferedStream(uncompressed, 1 << 16);
            using (var tar = new TarWriter(buffered, TarEntryFormat.Ustar, leaveOpen: true))
            {
                foreach (var (imagePath, source) in entries.OrderBy(e => e.ImagePath, StringComparer.Ordinal))
                {
                    var entry = new UstarTarEntry(source is null ? TarEntryType.Directory : TarEntryType.RegularFile, imagePath)
                    {
                        ModificationTime = DateTimeOffset.UnixEpoch,
                        Uid = 0,
                        Gid = 0,
                        Mode = source is null || IsExecutable(source) ? (UnixFileMode)0b111_101_101 : (UnixFileMode)0b110_100_100,
                    };
                    if (source is null)
                    {
                        tar.WriteEntry(entry);
                        continue;
                    }

                    using var data = new FileStream(source, FileMode.Open, FileAccess.Read, FileShare.Read, 1 << 16, FileOptions.SequentialScan);
                    entry.DataStream = data;
                    tar.WriteEntry(entry);
                }
            }

            buffered.Flush();
            diffId = uncompressed.GetDigest().ToString();
        }

        zip?.Dispose();
        var size = compressed.BytesWritten;
        return (gzip ? compressed.GetDigest().ToString() : diffId, diffId, size);
    }

    /// <summary>A directory tree's entries under an image path (directories and files; this benchmark's inputs have no symlinks).</summary>
    public static List<(string ImagePath, string? Source)> Tree(string sourceDirectory, string imagePath)
    {
        var entries = new List<(string, string?)> { ($"{imagePath.Trim('/')}/", null) };
        foreach (var directory in Directory.EnumerateDirectories(sourceDirectory, "*", SearchOption.AllDirectories))
        {
            entries.Add(($"{imagePath.Trim('/')}/{Path.GetRelativePath(sourceDirectory, directory)}/", null));
        }

        foreach (var file in Directory.EnumerateFiles(sourceDirectory, "*", SearchOption.AllDirectories))
        {
            entries.Add(($"{imagePath.Trim('/')}/{Path.GetRelativePath(sourceDirectory, file)}", file));
        }

        return entries;
    }

    private static bool IsExecutable(string file) => !OperatingSystem.IsWindows() && (File.GetUnixFileMode(file) & UnixFileMode.UserExecute) != 0;
}
