using System.Diagnostics.CodeAnalysis;

namespace Wharf.Cli.Commands;

/// <summary>
/// A reference on the command line: <c>project/repo:tag</c> or <c>project/repo@digest</c>. Only its shape is checked
/// here, so that a typo is a usage error (exit 2) before any request; the server still validates the name.
/// </summary>
internal readonly record struct RegistryReference(string Repository, string? Tag, string? Digest)
{
    public static bool TryParse(string value, [NotNullWhen(false)] out string? error, out RegistryReference reference)
    {
        reference = default;
        var at = value.IndexOf('@', StringComparison.Ordinal);
        if (at >= 0)
        {
            if (!Wharf.Oci.Digest.TryParse(value[(at + 1)..], out var digest, out var digestError))
            {
                error = $"reference '{value}' has an invalid digest: {digestError}";
                return false;
            }

            reference = new RegistryReference(value[..at], null, digest.ToString());
        }
        else
        {
            // The tag's colon comes after the last slash; a colon before it would be a registry host's port.
            var colon = value.LastIndexOf(':');
            if (colon < 0 || colon < value.LastIndexOf('/') || colon == value.Length - 1)
            {
                error = $"reference '{value}' names no tag or digest: use <project>/<name>:<tag> or <project>/<name>@<digest>";
                return false;
            }

            reference = new RegistryReference(value[..colon], value[(colon + 1)..], null);
        }

        if (!reference.Repository.Contains('/', StringComparison.Ordinal))
        {
            error = $"reference '{value}' names no project: use <project>/<name>:<tag> or <project>/<name>@<digest>";
            return false;
        }

        error = null;
        return true;
    }

    public override string ToString() => Digest is not null ? $"{Repository}@{Digest}" : $"{Repository}:{Tag}";
}
