using Wharf.Server.Models;

namespace Wharf.Server.Ui.Models;

/// <summary>How the model pages word versions, statuses and sizes.</summary>
internal static class ModelDisplay
{
    public static string Version(int number) => ModelNames.VersionTag(number);

    /// <summary>The CSS class of a version status badge.</summary>
    public static string StatusClass(string status) => status switch
    {
        ModelVersionStatus.Ready => "badge status-finished",
        ModelVersionStatus.FailedRegistration => "badge status-failed",
        _ => "badge status-running",
    };

    /// <summary>Bytes in the largest unit that keeps a number of at least 1, as <c>ls -h</c> does.</summary>
    public static string Size(long bytes)
    {
        string[] units = ["B", "KiB", "MiB", "GiB", "TiB"];
        double value = bytes;
        var unit = 0;
        while (value >= 1024 && unit < units.Length - 1)
        {
            value /= 1024;
            unit++;
        }

        return unit == 0
            ? string.Create(System.Globalization.CultureInfo.InvariantCulture, $"{bytes} B")
            : string.Create(System.Globalization.CultureInfo.InvariantCulture, $"{value:0.#} {units[unit]}");
    }
}
