using System.Globalization;
using Wharf.Oci;

namespace Wharf.Server.Ui.Registry;

/// <summary>How the registry browser words digests, times, kinds and platforms.</summary>
internal static class RegistryDisplay
{
    /// <summary>The page size of listings when the URL does not ask for another.</summary>
    public const int DefaultPageSize = 50;

    public const int MaxPageSize = 500;

    /// <summary><c>sha256:</c> and the first 12 hex digits, as <c>docker images</c> shows image IDs.</summary>
    public static string ShortDigest(string digest)
    {
        var colon = digest.IndexOf(':', StringComparison.Ordinal);
        return colon >= 0 && digest.Length > colon + 13 ? digest[..(colon + 13)] : digest;
    }

    /// <summary>Minutes in UTC: the server's times are UTC, and the page must read the same for everyone.</summary>
    public static string Time(DateTimeOffset value)
        => value.UtcDateTime.ToString("yyyy-MM-dd HH:mm 'UTC'", CultureInfo.InvariantCulture);

    /// <summary>The exact time, for tooltips and the <c>datetime</c> attribute.</summary>
    public static string IsoTime(DateTimeOffset value)
        => value.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture);

    /// <summary>
    /// What a manifest is, in a word: an index, an image, or (for anything else) its artifact type. The parser gives
    /// image manifests their config media type as artifact type, so image configs mean "image".
    /// </summary>
    public static string Kind(string mediaType, string? artifactType)
    {
        if (MediaTypes.IsIndex(mediaType))
        {
            return artifactType is null ? "index" : $"index of {artifactType}";
        }

        return artifactType is null or MediaTypes.OciConfig or MediaTypes.DockerConfig ? "image" : artifactType;
    }

    public static string Platform(Platform? platform)
        => platform is null ? "—" : platform.Variant is null ? $"{platform.Os}/{platform.Architecture}" : $"{platform.Os}/{platform.Architecture}/{platform.Variant}";

    public static string Count(int value, string singular, string plural)
        => string.Create(CultureInfo.InvariantCulture, $"{value:N0} {(value == 1 ? singular : plural)}");

    /// <summary>A page size from the query string, kept within bounds; the default when absent or not a number.</summary>
    public static int PageSize(string? value)
        => int.TryParse(value, NumberStyles.None, CultureInfo.InvariantCulture, out var n) ? Math.Clamp(n, 1, MaxPageSize) : DefaultPageSize;
}
