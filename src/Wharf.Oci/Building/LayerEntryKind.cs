namespace Wharf.Oci.Building;

/// <summary>What a layer entry is.</summary>
public enum LayerEntryKind
{
    /// <summary>A directory (mode 0755).</summary>
    Directory,

    /// <summary>A regular file (mode 0644, or 0755 when executable).</summary>
    File,

    /// <summary>A symbolic link (mode 0777).</summary>
    Symlink,
}
