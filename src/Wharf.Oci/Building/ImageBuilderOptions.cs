namespace Wharf.Oci.Building;

/// <summary>Settings of an <see cref="ImageBuilder"/>.</summary>
public sealed class ImageBuilderOptions
{
    /// <summary>
    /// The build timestamp: every file mtime, history entry and the config's <c>created</c>. Null (the default) reads
    /// <c>SOURCE_DATE_EPOCH</c>, else uses 1970-01-01T00:00:00Z. See <see cref="SourceDateEpoch"/>.
    /// </summary>
    public DateTimeOffset? Created { get; set; }

    /// <summary>The platform picked from a base image index, and written into a config built without a base. Default linux/amd64.</summary>
    public Platform Platform { get; set; } = PlatformSelector.LinuxAmd64;

    /// <summary>Where layers are staged before they are written to the sink. Default: the system temporary directory.</summary>
    public string? TempDirectory { get; set; }

    /// <summary>Remembers built layers between builds; null (the default) rebuilds every layer. Use <see cref="LayerCache.Shared"/> in long-lived processes.</summary>
    public LayerCache? LayerCache { get; set; }

    /// <summary>The largest base image config read. Default 8 MiB.</summary>
    public int MaxConfigBytes { get; set; } = 8 * 1024 * 1024;
}
