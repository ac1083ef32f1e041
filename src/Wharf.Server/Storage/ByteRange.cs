using System.Globalization;

namespace Wharf.Server.Storage;

/// <summary>An inclusive byte range <c>[Start, End]</c>.</summary>
internal readonly record struct ByteRange(long Start, long End)
{
    public long Length => End - Start + 1;

    /// <summary>
    /// Parses a chunk's <c>Content-Range</c> as the distribution spec writes it: <c>&lt;start&gt;-&lt;end&gt;</c>
    /// (inclusive), tolerating the RFC 9110 form <c>bytes start-end/total</c> that some clients send.
    /// </summary>
    public static bool TryParseContentRange(string? value, out ByteRange range)
    {
        range = default;
        if (string.IsNullOrWhiteSpace(value))
        {
            return false;
        }

        var text = value.Trim();
        if (text.StartsWith("bytes ", StringComparison.OrdinalIgnoreCase))
        {
            text = text[6..].TrimStart();
        }

        var slash = text.IndexOf('/', StringComparison.Ordinal);
        if (slash >= 0)
        {
            text = text[..slash];
        }

        var dash = text.IndexOf('-', StringComparison.Ordinal);
        if (dash <= 0
            || !long.TryParse(text.AsSpan(0, dash), NumberStyles.None, CultureInfo.InvariantCulture, out var start)
            || !long.TryParse(text.AsSpan(dash + 1), NumberStyles.None, CultureInfo.InvariantCulture, out var end)
            || end < start)
        {
            return false;
        }

        range = new ByteRange(start, end);
        return true;
    }

    /// <summary>
    /// Parses a single-range <c>Range: bytes=...</c> request header against a blob of <paramref name="size"/> bytes.
    /// Returns false when the header is absent or not a single byte range (then the whole blob is served); sets
    /// <paramref name="satisfiable"/> to false when it is a range that lies outside the blob.
    /// </summary>
    public static bool TryParseRange(string? value, long size, out ByteRange range, out bool satisfiable)
    {
        range = default;
        satisfiable = true;
        if (string.IsNullOrWhiteSpace(value) || !value.StartsWith("bytes=", StringComparison.OrdinalIgnoreCase))
        {
            return false;
        }

        var spec = value.AsSpan(6).Trim();
        if (spec.Contains(','))
        {
            return false; // multipart ranges: serve the whole blob, as RFC 9110 allows
        }

        var dash = spec.IndexOf('-');
        if (dash < 0)
        {
            return false;
        }

        var first = spec[..dash].Trim();
        var last = spec[(dash + 1)..].Trim();
        if (first.IsEmpty)
        {
            // Suffix range: the last N bytes.
            if (!long.TryParse(last, NumberStyles.None, CultureInfo.InvariantCulture, out var suffix))
            {
                return false;
            }

            if (suffix == 0 || size == 0)
            {
                satisfiable = false;
                return true;
            }

            range = new ByteRange(Math.Max(0, size - suffix), size - 1);
            return true;
        }

        if (!long.TryParse(first, NumberStyles.None, CultureInfo.InvariantCulture, out var start))
        {
            return false;
        }

        var end = size - 1;
        if (!last.IsEmpty)
        {
            if (!long.TryParse(last, NumberStyles.None, CultureInfo.InvariantCulture, out end))
            {
                return false;
            }

            if (end < start)
            {
                // RFC 9110 would ignore such a header; the OCI conformance suite expects 416, and so do we.
                satisfiable = false;
                return true;
            }

            end = Math.Min(end, size - 1);
        }

        if (start >= size)
        {
            satisfiable = false;
            return true;
        }

        range = new ByteRange(start, end);
        return true;
    }
}
