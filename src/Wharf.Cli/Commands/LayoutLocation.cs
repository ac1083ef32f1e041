namespace Wharf.Cli.Commands;

/// <summary>
/// An OCI image layout on the command line: <c>&lt;dir&gt;[:&lt;ref-name&gt;]</c>, optionally written <c>oci:&lt;dir&gt;[:&lt;ref-name&gt;]</c>.
/// The ref name is what follows the last ':' after the last '/', unless the whole text names an existing directory.
/// </summary>
internal sealed record LayoutLocation(string Directory, string? RefName)
{
    public const string Prefix = "oci:";

    public static bool HasPrefix(string value) => value.StartsWith(Prefix, StringComparison.Ordinal);

    public static LayoutLocation Parse(string value)
    {
        var text = HasPrefix(value) ? value[Prefix.Length..] : value;
        if (text.Length == 0)
        {
            throw new ArgumentException($"'{value}' names no layout directory");
        }

        var colon = text.LastIndexOf(':');
        if (colon <= 0 || colon < text.LastIndexOf('/') || System.IO.Directory.Exists(text))
        {
            return new LayoutLocation(text, null);
        }

        var refName = text[(colon + 1)..];
        if (!Wharf.Oci.Layout.OciImageLayout.IsValidRefName(refName))
        {
            throw new ArgumentException($"'{refName}' is not a valid image layout reference name");
        }

        return new LayoutLocation(text[..colon], refName);
    }

    public override string ToString() => RefName is null ? Directory : $"{Directory}:{RefName}";
}
