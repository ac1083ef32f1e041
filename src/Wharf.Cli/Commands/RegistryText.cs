using System.Globalization;
using Wharf.Oci;

namespace Wharf.Cli.Commands;

/// <summary>How the registry verbs word digests, times and manifest kinds in text output (the UI words them alike).</summary>
internal static class RegistryText
{
    /// <summary><c>sha256:</c> and 12 hex digits, as <c>docker images</c> shows IDs; <c>--no-trunc</c> shows all.</summary>
    public static string ShortDigest(string digest)
    {
        var colon = digest.IndexOf(':', StringComparison.Ordinal);
        return colon >= 0 && digest.Length > colon + 13 ? digest[..(colon + 13)] : digest;
    }

    public static string Time(DateTimeOffset value)
        => value.UtcDateTime.ToString("yyyy-MM-dd HH:mm 'UTC'", CultureInfo.InvariantCulture);

    public static string Number(long value) => value.ToString("N0", CultureInfo.InvariantCulture);

    /// <summary>"index", "image", or the artifact type; image manifests carry their config type as artifact type.</summary>
    public static string Kind(string mediaType, string? artifactType)
    {
        if (MediaTypes.IsIndex(mediaType))
        {
            return artifactType is null ? "index" : $"index of {artifactType}";
        }

        return artifactType is null or MediaTypes.OciConfig or MediaTypes.DockerConfig ? "image" : artifactType;
    }
}
