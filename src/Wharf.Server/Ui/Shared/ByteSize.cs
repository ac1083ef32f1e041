using System.Globalization;

namespace Wharf.Server.Ui.Shared;

/// <summary>Byte counts for people: binary units, as the CLI prints them, and the exact figure for tooltips.</summary>
internal static class ByteSize
{
    private static readonly string[] Units = ["B", "KiB", "MiB", "GiB", "TiB", "PiB"];

    /// <summary>For example <c>0 B</c>, <c>1023 B</c>, <c>1.0 KiB</c>, <c>3.5 GiB</c>.</summary>
    public static string Format(long bytes)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(bytes);
        double value = bytes;
        var unit = 0;
        while (value >= 1024 && unit < Units.Length - 1)
        {
            value /= 1024;
            unit++;
        }

        return unit == 0
            ? string.Create(CultureInfo.InvariantCulture, $"{bytes} B")
            : string.Create(CultureInfo.InvariantCulture, $"{value:0.0} {Units[unit]}");
    }

    /// <summary>For example <c>1,536 bytes</c>.</summary>
    public static string FormatExact(long bytes)
        => string.Create(CultureInfo.InvariantCulture, $"{bytes:N0} {(bytes == 1 ? "byte" : "bytes")}");
}
