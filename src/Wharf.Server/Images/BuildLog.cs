using System.Text;

namespace Wharf.Server.Images;

/// <summary>A build's log, bounded to <see cref="ModelImageBuild.MaxLogLength"/>: past it, the head and the tail are kept.</summary>
internal sealed class BuildLog(TimeProvider time)
{
    private readonly StringBuilder _text = new();

    public void Line(string line) =>
        _text.Append(time.GetUtcNow().ToString("HH:mm:ss", System.Globalization.CultureInfo.InvariantCulture)).Append(' ').Append(line).Append('\n');

    public override string ToString() => Bound(_text.ToString());

    public static string Bound(string text)
    {
        if (text.Length <= ModelImageBuild.MaxLogLength)
        {
            return text;
        }

        const string Cut = "\n[... log cut ...]\n";
        var keep = (ModelImageBuild.MaxLogLength - Cut.Length) / 2;
        return string.Concat(text.AsSpan(0, keep), Cut, text.AsSpan(text.Length - keep));
    }
}
