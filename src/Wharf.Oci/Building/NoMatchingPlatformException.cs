namespace Wharf.Oci.Building;

/// <summary>An image index has no image for the platform asked for. The message lists the platforms it has.</summary>
public sealed class NoMatchingPlatformException : Exception
{
    /// <summary>Creates the exception.</summary>
    /// <param name="index">The index's digest.</param>
    /// <param name="requested">The platform asked for.</param>
    /// <param name="available">The platforms the index lists (entries without one are shown as "unknown").</param>
    public NoMatchingPlatformException(Digest index, Platform requested, IReadOnlyList<string> available)
        : base($"image index {index} has no {PlatformSelector.Format(requested)} image; it has: {(available.Count == 0 ? "(no entries)" : string.Join(", ", available))}")
    {
        Index = index;
        Requested = requested;
        Available = available;
    }

    /// <summary>The index's digest.</summary>
    public Digest Index { get; }

    /// <summary>The platform asked for.</summary>
    public Platform Requested { get; }

    /// <summary>The platforms the index lists, formatted <c>os/architecture[/variant]</c>.</summary>
    public IReadOnlyList<string> Available { get; }
}
