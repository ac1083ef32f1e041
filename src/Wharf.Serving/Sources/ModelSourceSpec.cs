using System.Diagnostics.CodeAnalysis;
using System.Globalization;
using System.Text.RegularExpressions;
using Wharf.Oci.Layout;
using Wharf.Oci.Registry;
using Wharf.Serving.Hosting;

namespace Wharf.Serving.Sources;

/// <summary>
/// A model source as written in <c>Serving:Models:&lt;i&gt;:Source</c>, <c>wharf-serve --model</c> or <c>wharf serve</c>:
/// <list type="bullet">
/// <item>an existing .onnx file or directory (a directory with an <c>oci-layout</c> file is an OCI layout);</item>
/// <item><c>oci:&lt;layout-dir&gt;[:&lt;ref&gt;]</c>, the ref being an index.json entry's ref name (optional when the layout holds one manifest);</item>
/// <item>a registry reference <c>host[:port]/repository[:tag|@digest]</c>, such as Wharf's <c>host/project/models/iris:v3</c>.</item>
/// </list>
/// Local paths win over references, so <c>./models/iris</c> is never mistaken for a registry.
/// The model's default name is the repository's last segment (or the directory's name); its version is N for a tag
/// <c>vN</c>, else "1".
/// </summary>
internal sealed partial record ModelSourceSpec(ModelSourceKind Kind, string Text, string Path, string? LayoutRef, ImageReference? Reference)
{
    public const string OciPrefix = "oci:";

    public static bool TryParse(string? text, [NotNullWhen(true)] out ModelSourceSpec? spec, [NotNullWhen(false)] out string? error)
    {
        spec = null;
        if (string.IsNullOrWhiteSpace(text))
        {
            error = "the model source is empty";
            return false;
        }

        if (text.StartsWith(OciPrefix, StringComparison.Ordinal))
        {
            var rest = text[OciPrefix.Length..];
            var (path, refName) = SplitLayout(rest);
            if (path.Length == 0)
            {
                error = $"'{text}' names no layout directory: use oci:<layout-dir>[:<ref>]";
                return false;
            }

            if (refName is not null && !OciImageLayout.IsValidRefName(refName))
            {
                error = $"'{refName}' in '{text}' is not a valid OCI layout reference name";
                return false;
            }

            spec = new ModelSourceSpec(ModelSourceKind.OciLayout, text, path, refName, null);
            error = null;
            return true;
        }

        if (File.Exists(text) || Directory.Exists(text))
        {
            var kind = File.Exists(System.IO.Path.Combine(text, "oci-layout")) ? ModelSourceKind.OciLayout : ModelSourceKind.Local;
            spec = new ModelSourceSpec(kind, text, text, null, null);
            error = null;
            return true;
        }

        if (ImageReference.TryParse(text, out var reference, out var referenceError))
        {
            spec = new ModelSourceSpec(ModelSourceKind.Registry, text, "", null, reference);
            error = null;
            return true;
        }

        error = $"'{text}' is not an existing file or directory, an oci:<layout-dir>[:<ref>], or a registry reference ({referenceError})";
        return false;
    }

    /// <summary>The name a model from this source has when configuration names none.</summary>
    public string DefaultName => Kind switch
    {
        ModelSourceKind.Registry => LastSegment(Reference!.Repository),
        ModelSourceKind.OciLayout when LayoutRef is not null && RepositoryOf(LayoutRef) is { } repository => LastSegment(repository),
        ModelSourceKind.Local when File.Exists(Path) => System.IO.Path.GetFileNameWithoutExtension(Path),
        _ => System.IO.Path.GetFileName(System.IO.Path.TrimEndingDirectorySeparator(System.IO.Path.GetFullPath(Path))),
    };

    /// <summary>N for a tag <c>vN</c> (Wharf's model versions), else "1".</summary>
    public string Version
    {
        get
        {
            var tag = Kind switch
            {
                ModelSourceKind.Registry => Reference!.Tag,
                ModelSourceKind.OciLayout when LayoutRef is not null => TagOf(LayoutRef),
                _ => null,
            };
            var match = tag is null ? null : VersionTag().Match(tag);
            return match is { Success: true } && long.TryParse(match.Groups[1].Value, NumberStyles.None, CultureInfo.InvariantCulture, out var number)
                ? number.ToString(CultureInfo.InvariantCulture)
                : "1";
        }
    }

    /// <summary>The configuration errors of a <c>Serving:Models:&lt;i&gt;</c> entry with a Source.</summary>
    public static IEnumerable<string> Validate(int index, ServingModelOptions model)
    {
        if (!string.IsNullOrWhiteSpace(model.Path))
        {
            yield return $"Serving:Models:{index} has both :Path and :Source; give one.";
        }

        if (!TryParse(model.Source, out var spec, out var error))
        {
            yield return $"Serving:Models:{index}:Source: {error}.";
            yield break;
        }

        var name = string.IsNullOrWhiteSpace(model.Name) ? spec.DefaultName : model.Name;
        if (string.IsNullOrWhiteSpace(name) || name.Contains('/', StringComparison.Ordinal))
        {
            yield return $"Serving:Models:{index}:Name must be a non-empty name without '/' (the source gives no usable default).";
        }

        if (model.File is { Length: > 0 } file && !ModelLayerWriter.IsSafeRelativePath(file))
        {
            yield return $"Serving:Models:{index}:File must be a relative path inside the model, without '..'.";
        }
    }

    /// <summary>
    /// Splits <c>dir[:ref]</c>. Directory names may hold ':', so the first split whose left part is an existing
    /// directory wins; with none, the whole text is the directory (its absence is reported when the model loads).
    /// </summary>
    private static (string Path, string? Ref) SplitLayout(string rest)
    {
        if (Directory.Exists(rest))
        {
            return (rest, null);
        }

        for (var colon = rest.IndexOf(':', StringComparison.Ordinal); colon >= 0; colon = rest.IndexOf(':', colon + 1))
        {
            if (colon > 0 && Directory.Exists(rest[..colon]))
            {
                return (rest[..colon], rest[(colon + 1)..]);
            }
        }

        var last = rest.IndexOf(':', StringComparison.Ordinal);
        return last > 0 ? (rest[..last], rest[(last + 1)..]) : (rest, null);
    }

    private static string? RepositoryOf(string refName)
    {
        var colon = refName.LastIndexOf(':');
        return colon > 0 && refName.IndexOf('/', colon) < 0 ? refName[..colon] : null;
    }

    private static string TagOf(string refName)
    {
        var colon = refName.LastIndexOf(':');
        return colon >= 0 && refName.IndexOf('/', colon) < 0 ? refName[(colon + 1)..] : refName;
    }

    private static string LastSegment(string repository) => repository[(repository.LastIndexOf('/') + 1)..];

    [GeneratedRegex("^v([0-9]{1,18})$", RegexOptions.CultureInvariant)]
    private static partial Regex VersionTag();
}
