using System.Formats.Tar;
using System.Text;
using Wharf.Oci;
using Wharf.Serving.Models;

namespace Wharf.Serving.Sources;

/// <summary>
/// Writes one layer of a model artifact into a directory. The layer comes from a registry or a layout someone else
/// wrote, so it is hostile input: nothing in it is trusted as a path on this machine.
/// <list type="bullet">
/// <item><c>application/vnd.oci.image.layer.v1.tar</c> (uncompressed): only directories and regular files under
/// <c>model/</c>, each a relative path without <c>..</c>; any other entry (links, devices, FIFOs, global headers,
/// names outside <c>model/</c>, absolute names, the same file twice) refuses the layer.</item>
/// <item><c>application/octet-stream</c> (the older format): the raw file, written under its
/// <c>org.opencontainers.image.title</c> annotation, which must be such a relative path too.</item>
/// </list>
/// The content stream verifies its digest at its end, so after writing, the rest of the stream is read through: a
/// blob whose bytes do not match its digest fails the layer, and that failure is the reason reported even when the
/// corrupted bytes also made the tar unreadable.
/// </summary>
internal static class ModelLayerWriter
{
    public const string TitleAnnotation = "org.opencontainers.image.title";
    public const string RawFileMediaType = "application/octet-stream";
    public const string ModelDirectory = "model";

    private const int MaxPathLength = 4096;

    public static async Task WriteAsync(Descriptor layer, Stream content, string directory, CancellationToken cancellationToken)
    {
        var title = layer.Annotations?.GetValueOrDefault(TitleAnnotation);
        var what = title is null ? $"layer {layer.Digest}" : $"layer {layer.Digest} ('{Printable(title)}')";
        var guarded = new ReadFailureStream(content);
        try
        {
            switch (layer.MediaType)
            {
                case MediaTypes.OciLayerTar:
                    await ExtractTarAsync(guarded, directory, what, cancellationToken);
                    break;
                case RawFileMediaType:
                    if (title is null || !IsSafeRelativePath(title))
                    {
                        throw new ModelLoadException(
                            $"{what} is refused: a raw model file layer needs an {TitleAnnotation} annotation that is a relative path without '..'");
                    }

                    await CopyToNewFileAsync(guarded, Target(directory, title, what), what, title, cancellationToken);
                    break;
                default:
                    throw new ModelLoadException(
                        $"{what} has media type '{Printable(layer.MediaType)}'; a model artifact's layers are {MediaTypes.OciLayerTar} or {RawFileMediaType}");
            }

            await DrainAsync(guarded, cancellationToken);
        }
        catch (Exception exception) when (exception is not OperationCanceledException)
        {
            if (guarded.Failure is null)
            {
                try
                {
                    await DrainAsync(guarded, cancellationToken);
                }
                catch (Exception) when (guarded.Failure is not null)
                {
                    // Reported below: bytes that fail their digest are the reason, whatever they made the reader say.
                }
            }

            if (guarded.Failure is { } failure)
            {
                throw new ModelLoadException($"{what} cannot be read or fails verification: {failure.Message}", failure);
            }

            if (exception is ModelLoadException)
            {
                throw;
            }

            throw new ModelLoadException($"{what} is not a valid tar: {exception.Message}", exception);
        }
    }

    /// <summary>A relative path inside the model: '/'-separated, no empty, '.' or '..' segments, no backslashes or control characters.</summary>
    public static bool IsSafeRelativePath(string path)
    {
        if (path.Length == 0 || path.Length > MaxPathLength || path[0] == '/')
        {
            return false;
        }

        foreach (var c in path)
        {
            if (c == '\\' || char.IsControl(c))
            {
                return false;
            }
        }

        foreach (var segment in path.Split('/'))
        {
            if (segment is "" or "." or "..")
            {
                return false;
            }
        }

        return true;
    }

    /// <summary>The full path of <paramref name="relativePath"/> under <paramref name="directory"/>, checked to stay inside it.</summary>
    public static string Target(string directory, string relativePath, string what)
    {
        var root = Path.GetFullPath(directory);
        var full = Path.GetFullPath(Path.Combine(root, relativePath));
        if (!IsSafeRelativePath(relativePath) || !full.StartsWith(root + Path.DirectorySeparatorChar, StringComparison.Ordinal))
        {
            throw new ModelLoadException($"{what} is refused: '{Printable(relativePath)}' is not a relative path inside the model");
        }

        return full;
    }

    /// <summary>A hostile name made safe for a message: control characters escaped, at most 200 characters.</summary>
    public static string Printable(string text)
    {
        var builder = new StringBuilder();
        foreach (var c in text.Length > 200 ? text[..200] : text)
        {
            builder.Append(char.IsControl(c) ? $"\\u{(int)c:x4}" : c.ToString());
        }

        return text.Length > 200 ? builder.Append("...").ToString() : builder.ToString();
    }

    private static async Task ExtractTarAsync(Stream content, string directory, string what, CancellationToken cancellationToken)
    {
        var files = 0;
        await using var reader = new TarReader(content, leaveOpen: true);
        while (await reader.GetNextEntryAsync(copyData: false, cancellationToken) is { } entry)
        {
            var name = entry.Name;
            switch (entry.EntryType)
            {
                case TarEntryType.Directory:
                    var directoryName = name.TrimEnd('/');
                    if (directoryName != ModelDirectory)
                    {
                        Directory.CreateDirectory(Target(directory, UnderModel(directoryName, what), what));
                    }

                    break;
                case TarEntryType.RegularFile or TarEntryType.V7RegularFile:
                    var relative = UnderModel(name, what);
                    await CopyToNewFileAsync(entry.DataStream ?? Stream.Null, Target(directory, relative, what), what, relative, cancellationToken);
                    files++;
                    break;
                default:
                    throw new ModelLoadException(
                        $"{what} is refused: it holds a {entry.EntryType} entry '{Printable(name)}'; a model layer holds only regular files under {ModelDirectory}/");
            }
        }

        if (files == 0)
        {
            throw new ModelLoadException($"{what} is refused: it holds no file under {ModelDirectory}/");
        }
    }

    private static string UnderModel(string name, string what)
    {
        const string prefix = ModelDirectory + "/";
        return name.StartsWith(prefix, StringComparison.Ordinal) && IsSafeRelativePath(name[prefix.Length..])
            ? name[prefix.Length..]
            : throw new ModelLoadException(
                $"{what} is refused: its entry '{Printable(name)}' is not a relative path under {ModelDirectory}/ (no '..', no absolute names)");
    }

    private static async Task CopyToNewFileAsync(Stream content, string target, string what, string relative, CancellationToken cancellationToken)
    {
        if (File.Exists(target) || Directory.Exists(target))
        {
            throw new ModelLoadException($"{what} is refused: the model holds '{Printable(relative)}' twice");
        }

        Directory.CreateDirectory(Path.GetDirectoryName(target)!);
        await using var file = new FileStream(target, FileMode.CreateNew, FileAccess.Write, FileShare.None, 1 << 16, useAsync: true);
        await content.CopyToAsync(file, cancellationToken);
        await file.FlushAsync(cancellationToken);
    }

    private static async Task DrainAsync(Stream content, CancellationToken cancellationToken)
    {
        var buffer = new byte[1 << 16];
        while (await content.ReadAsync(buffer, cancellationToken) > 0)
        {
        }
    }
}
