namespace Wharf.Server.Images;

/// <summary>
/// A row of <c>model_image_settings</c>: one per project that ever set it. Absent means builds are off. The base (and the
/// optional runtime image) are references into Wharf's own registry, checked when set: the server never fetches from
/// elsewhere.
/// </summary>
internal sealed class ModelImageSetting
{
    public const int MaxReferenceLength = 400;

    public long ProjectId { get; init; }

    public bool Enabled { get; set; }

    /// <summary><c>&lt;repository&gt;:&lt;tag&gt;</c> or <c>&lt;repository&gt;@&lt;digest&gt;</c> in Wharf's registry.</summary>
    public string? BaseImage { get; set; }

    /// <summary>An image whose layers replace the configured serving runtime layer; null for the configured runtime.</summary>
    public string? RuntimeImage { get; set; }

    /// <summary>
    /// When builds were last switched on, in Unix milliseconds like <c>models_versions.creation_time</c>: only versions
    /// created since are built without being asked (the comparison stays in SQL).
    /// </summary>
    public long? EnabledSince { get; set; }

    public DateTimeOffset UpdatedAt { get; set; }
}
