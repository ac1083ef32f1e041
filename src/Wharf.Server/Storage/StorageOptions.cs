namespace Wharf.Server.Storage;

/// <summary>Blob store settings, bound from <c>Wharf:Storage</c>.</summary>
internal sealed class StorageOptions
{
    public const string Section = "Wharf:Storage";
    public const string FileSystemProvider = "filesystem";
    public const string MemoryProvider = "memory";

    /// <summary>
    /// <c>filesystem</c> (default: one file per blob under <see cref="Path"/>) or <c>memory</c> (throw-away servers
    /// and tests; everything is lost on exit).
    /// </summary>
    public string Provider { get; set; } = FileSystemProvider;

    /// <summary>
    /// Root directory of the filesystem store; defaults to <c>blobs</c> in the data directory. Relative paths are
    /// resolved against the working directory. Its <c>tmp</c> subdirectory holds writes in flight, so the whole tree
    /// must be on one filesystem.
    /// </summary>
    public string? Path { get; set; }

    internal bool IsFileSystem => string.Equals(Provider, FileSystemProvider, StringComparison.OrdinalIgnoreCase);

    internal bool IsMemory => string.Equals(Provider, MemoryProvider, StringComparison.OrdinalIgnoreCase);

    /// <summary>The filesystem root as an absolute path (after defaults are applied).</summary>
    internal string FullPath => System.IO.Path.GetFullPath(Path ?? throw new InvalidOperationException("Wharf:Storage:Path is not set."));
}
