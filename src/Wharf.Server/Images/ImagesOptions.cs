namespace Wharf.Server.Images;

/// <summary>Settings of images built by the platform (<c>Wharf:Images</c>).</summary>
internal sealed class ImagesOptions
{
    public const string Section = "Wharf:Images";

    /// <summary>
    /// A directory holding a self-contained linux-x64 publish of Wharf.Serving (with the <c>wharf-serve</c> executable).
    /// Checked when a build needs it, not at start-up: a server without it still runs, and its builds fail saying so.
    /// </summary>
    public string? ServingRuntimeDirectory { get; set; }

    /// <summary>How often the builder looks for work besides being woken by <c>models.version-ready</c>; zero turns the background builder off.</summary>
    public TimeSpan PollInterval { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>How long a builder holds a build; a build still RUNNING past it is taken up again (its builder is presumed dead).</summary>
    public TimeSpan LeaseDuration { get; set; } = TimeSpan.FromMinutes(15);
}
