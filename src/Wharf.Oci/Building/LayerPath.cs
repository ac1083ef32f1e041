using System.Text;

namespace Wharf.Oci.Building;

/// <summary>
/// Validates image paths. An image path is '/'-separated; a leading '/' means the image root and is dropped, so the
/// tar never holds an absolute name. Refused: empty paths, NUL and other control characters, backslashes, empty,
/// '.' and '..' segments, and paths longer than 4096 bytes. What passes cannot climb out of the image root when a
/// runtime extracts the layer.
/// </summary>
internal static class LayerPath
{
    private const int MaxBytes = 4096;

    /// <summary>Normalises an image path (e.g. <c>/opt/wharf-serve/app</c> to <c>opt/wharf-serve/app</c>) or throws.</summary>
    public static string Normalize(string path, string what)
    {
        ArgumentNullException.ThrowIfNull(path);
        var trimmed = path.StartsWith('/') ? path[1..] : path;
        if (trimmed.EndsWith('/'))
        {
            trimmed = trimmed[..^1];
        }

        Check(trimmed, path, what);
        return trimmed;
    }

    /// <summary>
    /// Joins a directory in the image with a name that must be relative (a model file's name, a name from an
    /// archive): an absolute name or one with '..' is refused rather than resolved.
    /// </summary>
    public static string Join(string directory, string relativeName, string what)
    {
        ArgumentNullException.ThrowIfNull(relativeName);
        if (relativeName.StartsWith('/') || relativeName.StartsWith('\\'))
        {
            throw new ImageBuildException($"{what} '{Printable(relativeName)}' is absolute; it must be relative to {directory}");
        }

        Check(relativeName, relativeName, what);
        var dir = Normalize(directory, "directory");
        return dir.Length == 0 ? relativeName : $"{dir}/{relativeName}";
    }

    private static void Check(string trimmed, string original, string what)
    {
        if (trimmed.Length == 0)
        {
            throw new ImageBuildException($"{what} '{Printable(original)}' names the image root, not an entry");
        }

        if (Encoding.UTF8.GetByteCount(trimmed) > MaxBytes)
        {
            throw new ImageBuildException($"{what} '{Printable(original)}' is longer than {MaxBytes} bytes");
        }

        foreach (var c in trimmed)
        {
            if (c == '\0')
            {
                throw new ImageBuildException($"{what} '{Printable(original)}' contains a NUL character");
            }

            if (char.IsControl(c))
            {
                throw new ImageBuildException($"{what} '{Printable(original)}' contains a control character");
            }

            if (c == '\\')
            {
                throw new ImageBuildException($"{what} '{Printable(original)}' contains a backslash");
            }
        }

        if (HasLoneSurrogate(trimmed))
        {
            throw new ImageBuildException($"{what} '{Printable(original)}' is not valid Unicode");
        }

        foreach (var segment in trimmed.Split('/'))
        {
            switch (segment)
            {
                case "":
                    throw new ImageBuildException($"{what} '{Printable(original)}' has an empty segment (an absolute name or '//')");
                case ".":
                    throw new ImageBuildException($"{what} '{Printable(original)}' has a '.' segment");
                case "..":
                    throw new ImageBuildException($"{what} '{Printable(original)}' has a '..' segment (path traversal)");
            }
        }
    }

    private static bool HasLoneSurrogate(string s)
    {
        for (var i = 0; i < s.Length; i++)
        {
            if (char.IsHighSurrogate(s[i]) && i + 1 < s.Length && char.IsLowSurrogate(s[i + 1]))
            {
                i++;
            }
            else if (char.IsSurrogate(s[i]))
            {
                return true;
            }
        }

        return false;
    }

    /// <summary>Makes a hostile name safe to put in an error message: control characters escaped, at most 200 characters.</summary>
    public static string Printable(string s)
    {
        var builder = new StringBuilder();
        foreach (var c in s.Length > 200 ? s[..200] : s)
        {
            builder.Append(char.IsControl(c) ? $"\\u{(int)c:x4}" : c.ToString());
        }

        return s.Length > 200 ? builder.Append("...").ToString() : builder.ToString();
    }
}
