using System.Text;
using Wharf.Server.Tracking;

namespace Wharf.Server.Ui.Experiments;

/// <summary>
/// Decides how the run page previews an artifact and reads what it shows. Text is known by its extension (or MLflow's
/// <c>MLmodel</c>), or is any small file that is valid UTF-8 without NUL bytes; only the first
/// <see cref="MaxTextBytes"/> are read, streamed from the blob store, so a multi-gigabyte log costs the same as a
/// small one. Images are not read at all: the page points an <c>&lt;img&gt;</c> at the download.
/// </summary>
internal static class ArtifactPreviews
{
    public const int MaxTextBytes = 64 * 1024;

    private static readonly HashSet<string> TextExtensions = new(StringComparer.OrdinalIgnoreCase)
    {
        ".txt", ".json", ".yaml", ".yml", ".md", ".csv", ".log", ".py", ".cs", ".toml", ".cfg", ".ini",
    };

    private static readonly HashSet<string> ImageExtensions = new(StringComparer.OrdinalIgnoreCase)
    {
        ".png", ".jpg", ".jpeg", ".gif", ".svg", ".webp",
    };

    private static readonly UTF8Encoding Strict = new(encoderShouldEmitUTF8Identifier: false, throwOnInvalidBytes: true);

    public static bool IsImage(string path) => ImageExtensions.Contains(Path.GetExtension(path));

    public static bool IsText(string path) =>
        TextExtensions.Contains(Path.GetExtension(path)) || string.Equals(FileName(path), "MLmodel", StringComparison.Ordinal);

    public static string FileName(string path) => path[(path.LastIndexOf('/') + 1)..];

    /// <summary>The preview of <paramref name="artifact"/>, reading at most <see cref="MaxTextBytes"/> of it.</summary>
    public static async Task<ArtifactPreview> LoadAsync(ArtifactStore store, RunArtifact artifact, string downloadHref, CancellationToken cancellationToken = default)
    {
        if (IsImage(artifact.Path))
        {
            return new ArtifactPreview(artifact.Path, artifact.Size, ArtifactPreviewKind.Image, null, false, downloadHref);
        }

        var knownText = IsText(artifact.Path);
        if (!knownText && artifact.Size > MaxTextBytes)
        {
            return new ArtifactPreview(artifact.Path, artifact.Size, ArtifactPreviewKind.None, null, false, downloadHref);
        }

        var (stored, head) = await store.ReadHeadAsync(artifact.RunUuid, artifact.Path, MaxTextBytes, cancellationToken);
        var truncated = stored.Size > head.Length;
        var text = knownText ? DecodeLenient(head, truncated) : DecodeStrict(head);
        return text is null
            ? new ArtifactPreview(stored.Path, stored.Size, ArtifactPreviewKind.None, null, false, downloadHref)
            : new ArtifactPreview(stored.Path, stored.Size, ArtifactPreviewKind.Text, text, truncated, downloadHref);
    }

    /// <summary>
    /// A text file's start: invalid bytes become U+FFFD, and a character cut in two by the 64 KiB limit is left out
    /// rather than shown as garbage (the decoder keeps an incomplete tail back unless flushed).
    /// </summary>
    private static string DecodeLenient(byte[] head, bool truncated)
    {
        var decoder = Encoding.UTF8.GetDecoder();
        var chars = new char[decoder.GetCharCount(head, flush: !truncated)];
        var count = decoder.GetChars(head, 0, head.Length, chars, 0, flush: !truncated);
        return new string(chars, 0, count);
    }

    /// <summary>A small file of unknown type is text only when all of it is valid UTF-8 without NUL bytes.</summary>
    private static string? DecodeStrict(byte[] content)
    {
        if (content.AsSpan().Contains((byte)0))
        {
            return null;
        }

        try
        {
            return Strict.GetString(content);
        }
        catch (DecoderFallbackException)
        {
            return null;
        }
    }
}
