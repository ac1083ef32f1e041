using System.Security.Cryptography;
using System.Text;
using Wharf.Oci.Layout;

namespace Wharf.Oci.Building;

/// <summary>
/// A layer whose bytes depend only on what the image will see, never on the machine, the clock or the order files
/// were listed in:
/// <list type="bullet">
/// <item>entries sorted by the UTF-8 bytes of their path (ordinal), every parent directory emitted once;</item>
/// <item>every mtime the build timestamp (see <see cref="SourceDateEpoch"/>), no atime/ctime;</item>
/// <item>uid/gid 0, empty uname/gname, device numbers 0;</item>
/// <item>modes normalised: directories 0755, files 0644 or 0755 when executable, symlinks 0777;</item>
/// <item>ustar headers, PAX only for long or non-ASCII names and sizes of 8 GiB and more;</item>
/// <item>gzip with a fixed header and zlib level 6 (<see cref="LayerCompression.Gzip"/>), or no compression.</item>
/// </list>
/// Paths are validated when added (no '..', '.', empty segments, NUL or backslashes; a leading '/' means the image
/// root), and a directory tree added from disk may only hold symlinks whose target stays inside that tree.
/// </summary>
public sealed class DeterministicLayer
{
    private readonly SortedDictionary<byte[], LayerEntry> _entries = new(Utf8Ordinal.Instance);
    private readonly HashSet<string> _impliedDirectories = new(StringComparer.Ordinal);

    /// <summary>The entries added, sorted as they will be written (parents are added as directories when the layer is written).</summary>
    public IReadOnlyList<LayerEntry> Entries => [.. _entries.Values];

    /// <summary>Adds a file from disk at an image path. Its mode becomes 0755 when its owner may execute it, else 0644.</summary>
    /// <param name="imagePath">Where the file goes in the image, e.g. <c>/opt/wharf-serve/wharf-serve</c>.</param>
    /// <param name="sourceFile">The file on disk; its length is taken now and checked when the layer is written.</param>
    /// <param name="executable">Overrides the executable bit read from the file's mode.</param>
    public DeterministicLayer AddFile(string imagePath, string sourceFile, bool? executable = null)
    {
        var path = LayerPath.Normalize(imagePath, "path");
        var info = new FileInfo(sourceFile);
        if (!info.Exists)
        {
            throw new ImageBuildException($"source file '{sourceFile}' does not exist");
        }

        return Add(LayerEntry.FromDisk(path, info, executable ?? IsExecutable(info)));
    }

    /// <summary>
    /// Adds a file whose bytes come from a stream opened when the layer is written (for example a model file stored as a
    /// blob). The stream must yield exactly <paramref name="length"/> bytes.
    /// </summary>
    /// <param name="imagePath">Where the file goes in the image.</param>
    /// <param name="length">The file's length in bytes.</param>
    /// <param name="open">Opens the content; called once per write.</param>
    /// <param name="executable">True for mode 0755.</param>
    public DeterministicLayer AddFile(string imagePath, long length, Func<CancellationToken, Task<Stream>> open, bool executable = false)
    {
        ArgumentNullException.ThrowIfNull(open);
        ArgumentOutOfRangeException.ThrowIfNegative(length);
        return Add(LayerEntry.FromStream(LayerPath.Normalize(imagePath, "path"), length, executable, open));
    }

    /// <summary>
    /// Adds a file named by an untrusted relative name (a model file's name, an archive entry) under an image
    /// directory. Absolute names and names with '..' are refused with an <see cref="ImageBuildException"/>.
    /// </summary>
    /// <param name="imageDirectory">The directory in the image, e.g. <c>/models/iris</c>.</param>
    /// <param name="relativeName">The untrusted name, e.g. <c>data/model.onnx</c>.</param>
    /// <param name="length">The file's length in bytes.</param>
    /// <param name="open">Opens the content; called once per write.</param>
    public DeterministicLayer AddFileUnder(string imageDirectory, string relativeName, long length, Func<CancellationToken, Task<Stream>> open)
    {
        ArgumentNullException.ThrowIfNull(open);
        ArgumentOutOfRangeException.ThrowIfNegative(length);
        return Add(LayerEntry.FromStream(LayerPath.Join(imageDirectory, relativeName, "file name"), length, false, open));
    }

    /// <summary>Adds a directory (mode 0755).</summary>
    /// <param name="imagePath">The directory's path in the image.</param>
    public DeterministicLayer AddDirectory(string imagePath) => Add(LayerEntry.Directory(LayerPath.Normalize(imagePath, "path")));

    /// <summary>Adds a symlink inside the image. Its target is written as given (it is resolved in the image, not on this machine).</summary>
    /// <param name="imagePath">The link's path in the image.</param>
    /// <param name="target">The link's target.</param>
    public DeterministicLayer AddSymlink(string imagePath, string target)
    {
        ArgumentException.ThrowIfNullOrEmpty(target);
        if (target.Contains('\0', StringComparison.Ordinal))
        {
            throw new ImageBuildException($"symlink target '{LayerPath.Printable(target)}' contains a NUL character");
        }

        return Add(LayerEntry.Symlink(LayerPath.Normalize(imagePath, "path"), target));
    }

    /// <summary>
    /// Adds a directory from disk and everything under it, at <paramref name="imagePath"/>. Symlinks are kept as
    /// symlinks, and refused when their target is absolute or climbs out of <paramref name="sourceDirectory"/> (the
    /// build context). Symlinked directories are not followed.
    /// </summary>
    /// <param name="sourceDirectory">The directory on disk (the build context).</param>
    /// <param name="imagePath">Where its content goes in the image, e.g. <c>/opt/wharf-serve</c>.</param>
    /// <exception cref="ImageBuildException">A symlink leaves the context, or a name cannot be a tar path.</exception>
    public DeterministicLayer AddDirectoryTree(string sourceDirectory, string imagePath)
    {
        var root = new DirectoryInfo(Path.GetFullPath(sourceDirectory));
        if (!root.Exists)
        {
            throw new ImageBuildException($"source directory '{sourceDirectory}' does not exist");
        }

        var target = LayerPath.Normalize(imagePath, "path");
        // Collect first, add after: a hostile entry deep in the tree must leave this layer unchanged.
        var collected = new List<LayerEntry> { LayerEntry.Directory(target) };
        Walk(root, root.FullName, target, collected);
        foreach (var entry in collected)
        {
            Add(entry);
        }

        return this;
    }

    /// <summary>
    /// Writes the layer to <paramref name="destination"/> and returns its descriptor and diff_id, computed while
    /// streaming (nothing is held in memory but buffers).
    /// </summary>
    /// <param name="destination">Where the (compressed) layer bytes go; left open.</param>
    /// <param name="compression">gzip (default) or none.</param>
    /// <param name="timestamp">The mtime of every entry; null for <see cref="SourceDateEpoch.Resolve"/>.</param>
    /// <param name="cancellationToken">Cancels the write.</param>
    public async Task<LayerWriteResult> WriteAsync(
        Stream destination, LayerCompression compression = LayerCompression.Gzip, DateTimeOffset? timestamp = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(destination);
        var mtime = SourceDateEpoch.Resolve(timestamp).ToUnixTimeSeconds();
        using var compressed = new HashingWriteStream(destination);
        FixedGzipStream? gzip = compression == LayerCompression.Gzip ? new FixedGzipStream(compressed) : null;
        try
        {
            using var uncompressed = new HashingWriteStream(gzip ?? (Stream)compressed);
            var buffered = new BufferedStream(uncompressed, 1 << 16);
            var tar = new TarStreamWriter(buffered);
            foreach (var entry in WithParents())
            {
                await tar.WriteEntryAsync(entry, mtime, cancellationToken);
            }

            await tar.FinishAsync(cancellationToken);
            await buffered.FlushAsync(cancellationToken);
            var diffId = uncompressed.GetDigest();
            var uncompressedSize = uncompressed.BytesWritten;
            if (gzip is not null)
            {
                await gzip.FinishAsync(cancellationToken);
            }

            var digest = gzip is null ? diffId : compressed.GetDigest();
            var mediaType = gzip is null ? MediaTypes.OciLayerTar : MediaTypes.OciLayerGzip;
            return new LayerWriteResult(new Descriptor(mediaType, digest, compressed.BytesWritten), diffId, uncompressedSize);
        }
        finally
        {
            gzip?.Dispose();
        }
    }

    /// <summary>
    /// A key that changes whenever the layer's bytes could: image paths, kinds, modes, link targets, and for files
    /// from disk their source path, length and last write time as they are now (one stat per file). Null when an
    /// entry's content is a stream (its bytes cannot be known without reading them) or a file's length changed since
    /// it was added (the write will report that).
    /// </summary>
    /// <param name="compression">The compression the key is for.</param>
    /// <param name="timestamp">The resolved build timestamp.</param>
    public string? ComputeCacheKey(LayerCompression compression, DateTimeOffset timestamp)
    {
        using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        hash.AppendData(Encoding.UTF8.GetBytes($"v1\n{compression}\n{timestamp.ToUnixTimeSeconds()}\n"));
        foreach (var entry in _entries.Values)
        {
            if (!entry.IsCacheable)
            {
                return null;
            }

            // Files are looked at again now, not when added: a file changed since must not hit an old entry.
            var stamp = 0L;
            if (entry.SourceFile is not null)
            {
                var now = new FileInfo(entry.SourceFile);
                if (!now.Exists || now.Length != entry.Length)
                {
                    return null;
                }

                stamp = now.LastWriteTimeUtc.Ticks;
            }

            hash.AppendData(Encoding.UTF8.GetBytes($"{entry.Kind}\0{entry.Path}\0{entry.Length}\0{entry.Executable}\0{entry.LinkTarget}\0{entry.SourceFile}\0{stamp}\n"));
        }

        return Convert.ToHexStringLower(hash.GetHashAndReset());
    }

    private DeterministicLayer Add(LayerEntry entry)
    {
        var key = Encoding.UTF8.GetBytes(entry.Path);
        if (_entries.TryGetValue(key, out var existing))
        {
            if (existing.Kind == LayerEntryKind.Directory && entry.Kind == LayerEntryKind.Directory)
            {
                return this;
            }

            throw new ImageBuildException($"'{LayerPath.Printable(entry.Path)}' is added twice");
        }

        if (entry.Kind != LayerEntryKind.Directory && _impliedDirectories.Contains(entry.Path))
        {
            throw new ImageBuildException($"'{LayerPath.Printable(entry.Path)}' is a directory of other entries and cannot be a {entry.Kind.ToString().ToLowerInvariant()}");
        }

        var parents = Parents(entry.Path).ToList();
        foreach (var parent in parents)
        {
            if (_entries.TryGetValue(Encoding.UTF8.GetBytes(parent), out var p) && p.Kind != LayerEntryKind.Directory)
            {
                throw new ImageBuildException($"'{LayerPath.Printable(entry.Path)}' is under '{LayerPath.Printable(parent)}', which is a {p.Kind.ToString().ToLowerInvariant()}");
            }
        }

        _impliedDirectories.UnionWith(parents);
        _entries.Add(key, entry);
        return this;
    }

    /// <summary>Every entry plus a directory entry for each parent not added explicitly, in byte order of the path.</summary>
    private IEnumerable<LayerEntry> WithParents()
    {
        var all = new SortedDictionary<byte[], LayerEntry>(_entries, Utf8Ordinal.Instance);
        foreach (var dir in _impliedDirectories)
        {
            var key = Encoding.UTF8.GetBytes(dir);
            if (!all.ContainsKey(key))
            {
                all.Add(key, LayerEntry.Directory(dir));
            }
        }

        return all.Values;
    }

    private static IEnumerable<string> Parents(string path)
    {
        for (var i = path.IndexOf('/', StringComparison.Ordinal); i > 0; i = path.IndexOf('/', i + 1))
        {
            yield return path[..i];
        }
    }

    private static void Walk(DirectoryInfo directory, string root, string imageDirectory, List<LayerEntry> collected)
    {
        foreach (var info in directory.EnumerateFileSystemInfos())
        {
            var imagePath = LayerPath.Join(imageDirectory, info.Name, "file name");
            if (info.LinkTarget is { } linkTarget)
            {
                CheckLinkStaysInside(info, linkTarget, root);
                collected.Add(LayerEntry.Symlink(imagePath, linkTarget));
            }
            else if (info is DirectoryInfo sub)
            {
                collected.Add(LayerEntry.Directory(imagePath));
                Walk(sub, root, imagePath, collected);
            }
            else if (info is FileInfo file)
            {
                collected.Add(LayerEntry.FromDisk(imagePath, file, IsExecutable(file)));
            }
        }
    }

    /// <summary>
    /// A symlink from the build context may only point inside it. Its target is resolved the way the kernel would,
    /// segment by segment, following symlinks met on the way (so <c>s -&gt; .</c> plus <c>x -&gt; s/..</c> is caught),
    /// and refused as soon as it is absolute or a '..' climbs above the context root. Links are never followed to
    /// read content: a link is stored as a link.
    /// </summary>
    private static void CheckLinkStaysInside(FileSystemInfo link, string target, string root)
    {
        var start = Path.GetDirectoryName(link.FullName)!;
        if (Resolve(start, target, root, 0).Reason is { } reason)
        {
            throw new ImageBuildException($"symlink '{link.FullName}' points to '{LayerPath.Printable(target)}', outside the build context '{root}' ({reason})");
        }
    }

    /// <summary>Walks <paramref name="target"/> from <paramref name="current"/>: where it ends, or why it leaves <paramref name="root"/>.</summary>
    private static (string? Reason, string Resolved) Resolve(string current, string target, string root, int depth)
    {
        if (depth > 40)
        {
            return ("too many levels of symlinks", current);
        }

        if (target.Contains('\0', StringComparison.Ordinal) || target.StartsWith('/'))
        {
            return ("absolute targets are not allowed", current);
        }

        foreach (var segment in target.Split('/'))
        {
            if (segment is "" or ".")
            {
                continue;
            }

            if (segment == "..")
            {
                if (string.Equals(current, root, StringComparison.Ordinal))
                {
                    return ("'..' climbs above the context root", current);
                }

                current = Path.GetDirectoryName(current)!;
                continue;
            }

            var next = Path.Combine(current, segment);
            var linkTarget = new FileInfo(next).LinkTarget;
            if (linkTarget is null)
            {
                current = next;
                continue;
            }

            if (linkTarget.StartsWith('/'))
            {
                return ($"it passes through '{next}', a symlink to an absolute path", current);
            }

            var (reason, resolved) = Resolve(current, linkTarget, root, depth + 1);
            if (reason is not null)
            {
                return (reason, resolved);
            }

            current = resolved;
        }

        return (null, current);
    }

    private static bool IsExecutable(FileInfo file)
        => !OperatingSystem.IsWindows() && (file.UnixFileMode & UnixFileMode.UserExecute) != 0;

    /// <summary>Orders UTF-8 byte strings bytewise, as C's strcmp would; UTF-16 ordinal order differs above U+D7FF.</summary>
    private sealed class Utf8Ordinal : IComparer<byte[]>
    {
        public static readonly Utf8Ordinal Instance = new();

        public int Compare(byte[]? x, byte[]? y) => x.AsSpan().SequenceCompareTo(y.AsSpan());
    }
}
