namespace Wharf.Server.Registry;

/// <summary>Registry settings, bound from <c>Wharf:Registry</c>.</summary>
internal sealed class RegistryOptions
{
    public const string Section = "Wharf:Registry";

    /// <summary>An upload session not touched for this long is abandoned: it expires and its bytes are purged.</summary>
    public TimeSpan UploadSessionLifetime { get; set; } = TimeSpan.FromHours(24);

    /// <summary>
    /// Garbage collection never sweeps anything younger than this: a blob pushed a moment ago for a manifest that
    /// is not pushed yet, or an untagged manifest about to be referenced by an index, survives.
    /// </summary>
    public TimeSpan GarbageCollectionGracePeriod { get; set; } = TimeSpan.FromHours(1);

    /// <summary>How often garbage collection runs in the background; zero turns the schedule off.</summary>
    public TimeSpan GarbageCollectionInterval { get; set; } = TimeSpan.FromHours(6);

    /// <summary>The largest page <c>tags/list</c> and <c>_catalog</c> return, whatever <c>n</c> asks for.</summary>
    public int MaxPageSize { get; set; } = 10_000;
}
