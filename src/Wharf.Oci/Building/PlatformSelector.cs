namespace Wharf.Oci.Building;

/// <summary>Picks the image for a platform out of an image index, as container runtimes do.</summary>
public static class PlatformSelector
{
    /// <summary>linux/amd64, the platform Wharf's serving images are built for.</summary>
    public static Platform LinuxAmd64 { get; } = new("amd64", "linux");

    /// <summary>
    /// Returns the first entry of <paramref name="index"/> whose os and architecture equal the wanted ones (and its
    /// variant, when one is wanted). Attestation entries (<c>unknown/unknown</c>) never match.
    /// </summary>
    /// <param name="indexDigest">The index's digest, for the error message.</param>
    /// <param name="index">The parsed index.</param>
    /// <param name="wanted">The platform wanted.</param>
    /// <exception cref="NoMatchingPlatformException">No entry matches; it lists what the index has.</exception>
    public static Descriptor Select(Digest indexDigest, Manifest index, Platform wanted)
    {
        ArgumentNullException.ThrowIfNull(index);
        ArgumentNullException.ThrowIfNull(wanted);
        foreach (var entry in index.Manifests)
        {
            if (entry.Platform is { } p
                && string.Equals(p.Os, wanted.Os, StringComparison.Ordinal)
                && string.Equals(p.Architecture, wanted.Architecture, StringComparison.Ordinal)
                && (wanted.Variant is null || string.Equals(p.Variant, wanted.Variant, StringComparison.Ordinal)))
            {
                return entry;
            }
        }

        var available = index.Manifests.Select(m => m.Platform is { } p ? Format(p) : "unknown").Distinct(StringComparer.Ordinal).ToList();
        throw new NoMatchingPlatformException(indexDigest, wanted, available);
    }

    /// <summary>Formats a platform as <c>os/architecture[/variant]</c>.</summary>
    /// <param name="platform">The platform.</param>
    public static string Format(Platform platform)
    {
        ArgumentNullException.ThrowIfNull(platform);
        return platform.Variant is null ? $"{platform.Os}/{platform.Architecture}" : $"{platform.Os}/{platform.Architecture}/{platform.Variant}";
    }
}
