namespace Wharf.Oci.Building;

/// <summary>
/// One entry of a deterministic layer. Only what the image should see is kept: the path, the kind, whether a file is
/// executable, a symlink's target, and where a file's bytes come from. Owners, times and other mode bits of the
/// source are deliberately dropped.
/// </summary>
public sealed class LayerEntry
{
    private readonly Func<CancellationToken, Task<Stream>>? _open;

    private LayerEntry(LayerEntryKind kind, string path, long length, bool executable, string? linkTarget, string? sourceFile, Func<CancellationToken, Task<Stream>>? open)
    {
        Kind = kind;
        Path = path;
        Length = length;
        Executable = executable;
        LinkTarget = linkTarget;
        SourceFile = sourceFile;
        _open = open;
    }

    /// <summary>The kind of entry.</summary>
    public LayerEntryKind Kind { get; }

    /// <summary>The path in the image, relative to its root, '/'-separated, without a trailing slash (e.g. <c>models/iris/model.onnx</c>).</summary>
    public string Path { get; }

    /// <summary>A file's length in bytes; 0 for directories and symlinks.</summary>
    public long Length { get; }

    /// <summary>True for a file written with mode 0755 instead of 0644.</summary>
    public bool Executable { get; }

    /// <summary>A symlink's target, written as given.</summary>
    public string? LinkTarget { get; }

    /// <summary>The file on disk a file entry's bytes are read from, when it came from disk.</summary>
    public string? SourceFile { get; }

    internal static LayerEntry Directory(string path) => new(LayerEntryKind.Directory, path, 0, false, null, null, null);

    internal static LayerEntry Symlink(string path, string target) => new(LayerEntryKind.Symlink, path, 0, false, target, null, null);

    internal static LayerEntry FromDisk(string path, FileInfo file, bool executable)
        => new(LayerEntryKind.File, path, file.Length, executable, null, file.FullName, null);

    internal static LayerEntry FromStream(string path, long length, bool executable, Func<CancellationToken, Task<Stream>> open)
        => new(LayerEntryKind.File, path, length, executable, null, null, open);

    /// <summary>True when the entry's content can be identified without reading it (a file from disk, a directory, a symlink).</summary>
    internal bool IsCacheable => Kind != LayerEntryKind.File || SourceFile is not null;

    internal async Task<Stream> OpenAsync(CancellationToken cancellationToken)
    {
        if (SourceFile is not null)
        {
            return new FileStream(SourceFile, FileMode.Open, FileAccess.Read, FileShare.Read, 1 << 16, FileOptions.Asynchronous | FileOptions.SequentialScan);
        }

        return _open is null ? throw new InvalidOperationException($"{Path} has no content") : await _open(cancellationToken);
    }
}
