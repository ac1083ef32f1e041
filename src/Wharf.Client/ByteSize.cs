using System.Globalization;

namespace Wharf.Client;

/// <summary>Byte counts for people, in binary units, the same in the CLI and the web UI.</summary>
public static class ByteSize
{
    private static readonly string[] Units = ["B", "KiB", "MiB", "GiB", "TiB", "PiB"];

    /// <summary>Formats a byte count, for example <c>0 B</c>, <c>1023 B</c>, <c>1.0 KiB</c>, <c>3.5 GiB</c>.</summary>
    /// <param name="bytes">A non-negative byte count.</param>
    /// <returns>The count in the largest binary unit that keeps it at or above 1, with one decimal.</returns>
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

    /// <summary>Formats the exact count with thousands separators, for example <c>1,536 bytes</c>.</summary>
    /// <param name="bytes">A byte count.</param>
    /// <returns>The exact count and its unit.</returns>
    public static string FormatExact(long bytes)
        => string.Create(CultureInfo.InvariantCulture, $"{bytes:N0} {(bytes == 1 ? "byte" : "bytes")}");
}
