using System.Globalization;
using Wharf.Client;

namespace Wharf.Cli.Commands;

/// <summary>
/// A one-line progress display for a transfer (<c>Uploading model.onnx  12.0 MiB / 48.2 MiB  25%</c>), redrawn in
/// place with <c>\r</c> at most ten times a second. Only drawn for a person at a terminal: when the output is not the
/// console, or the console's stderr is redirected, nothing is written, so logs and tests stay clean.
/// </summary>
internal sealed class TransferProgress(TextWriter output, string label, long? total, TimeProvider time)
{
    private static readonly TimeSpan Interval = TimeSpan.FromMilliseconds(100);

    private long _bytes;
    private DateTimeOffset _drawn = DateTimeOffset.MinValue;
    private int _width;

    public static TransferProgress? ForConsole(TextWriter stderr, OutputFormat format, string label, long? total)
        => format == OutputFormat.Text && ReferenceEquals(stderr, Console.Error) && !Console.IsErrorRedirected
            ? new TransferProgress(stderr, label, total, TimeProvider.System)
            : null;

    public void Add(int bytes)
    {
        _bytes += bytes;
        var now = time.GetUtcNow();
        if (now - _drawn >= Interval)
        {
            _drawn = now;
            Draw();
        }
    }

    /// <summary>Draws the final figure and ends the line, so what follows starts on a line of its own.</summary>
    public void Complete()
    {
        Draw();
        output.WriteLine();
    }

    private void Draw()
    {
        var text = total is > 0 and var t
            ? string.Create(CultureInfo.InvariantCulture, $"{label}  {ByteSize.Format(_bytes)} / {ByteSize.Format(t)}  {Math.Min(100, _bytes * 100 / t)}%")
            : $"{label}  {ByteSize.Format(_bytes)}";
        // Pad over the previous line's tail when the text got shorter (units change: 1023.9 KiB -> 1.0 MiB).
        output.Write("\r" + text.PadRight(_width));
        _width = text.Length;
        output.Flush();
    }
}
