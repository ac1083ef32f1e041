using System.Diagnostics.CodeAnalysis;
using Wharf.Oci;
using Wharf.Server.Registry;

namespace Wharf.Server.Images;

/// <summary>
/// References into Wharf's own registry: <c>&lt;project&gt;/&lt;repo&gt;:&lt;tag&gt;</c> or <c>&lt;project&gt;/&lt;repo&gt;@sha256:...</c>,
/// without a host. A host (anything with a '.' or ':' in its first component, or <c>localhost</c>) is refused: the server
/// never fetches from a location a user names.
/// </summary>
internal static class ImageReferences
{
    internal readonly record struct Parsed(string Repository, string Reference, string Project);

    public static bool TryParse([NotNullWhen(true)] string? text, out Parsed parsed, [NotNullWhen(false)] out string? error)
    {
        parsed = default;
        if (string.IsNullOrWhiteSpace(text))
        {
            error = "empty image reference";
            return false;
        }

        if (text.Length > ModelImageSetting.MaxReferenceLength)
        {
            error = $"image reference longer than {ModelImageSetting.MaxReferenceLength} characters";
            return false;
        }

        var first = text.Split('/')[0];
        if (first.Contains('.', StringComparison.Ordinal) || first.Contains(':', StringComparison.Ordinal) || first == "localhost")
        {
            error = $"'{text}' names a registry host: the server only uses images in Wharf's own registry (push the image there first and name it '<project>/<repository>:<tag>')";
            return false;
        }

        string repository, reference;
        var at = text.IndexOf('@', StringComparison.Ordinal);
        if (at >= 0)
        {
            repository = text[..at];
            reference = text[(at + 1)..];
            if (!Digest.TryParse(reference, out _))
            {
                error = $"'{text}': '{reference}' is not a digest";
                return false;
            }
        }
        else
        {
            var colon = text.LastIndexOf(':');
            if (colon < 0)
            {
                error = $"'{text}' has no tag: name it '<project>/<repository>:<tag>'";
                return false;
            }

            repository = text[..colon];
            reference = text[(colon + 1)..];
            if (!RepositoryName.IsValidTag(reference))
            {
                error = $"'{text}': '{reference}' is not a valid tag";
                return false;
            }
        }

        if (!RepositoryName.TryParse(repository, out var name, out error))
        {
            return false;
        }

        parsed = new Parsed(name.Value, reference, name.Project);
        return true;
    }
}
