using System.Buffers.Text;
using System.Globalization;
using System.Text;

namespace Wharf.Server.Tracking;

/// <summary>
/// Opaque page tokens: base64url of a short text. Searches page by offset ("o:&lt;n&gt;"), because their order is any
/// combination of metrics, params, tags and attributes; metric history pages by keyset ("k:&lt;step&gt;:&lt;timestamp&gt;:&lt;id&gt;")
/// so that a history of millions of points costs an index seek per page, not a skip.
/// </summary>
internal static class PageToken
{
    public static string Offset(long offset) => Encode(string.Create(CultureInfo.InvariantCulture, $"o:{offset}"));

    public static long ReadOffset(string? token)
    {
        if (string.IsNullOrEmpty(token))
        {
            return 0;
        }

        var text = Decode(token);
        return text.StartsWith("o:", StringComparison.Ordinal)
            && long.TryParse(text.AsSpan(2), NumberStyles.None, CultureInfo.InvariantCulture, out var offset)
            ? offset
            : throw Invalid();
    }

    public static string Keyset(long step, long timestamp, long id) =>
        Encode(string.Create(CultureInfo.InvariantCulture, $"k:{step}:{timestamp}:{id}"));

    public static (long Step, long Timestamp, long Id)? ReadKeyset(string? token)
    {
        if (string.IsNullOrEmpty(token))
        {
            return null;
        }

        var parts = Decode(token).Split(':');
        return parts.Length == 4 && parts[0] == "k"
            && long.TryParse(parts[1], NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var step)
            && long.TryParse(parts[2], NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var timestamp)
            && long.TryParse(parts[3], NumberStyles.None, CultureInfo.InvariantCulture, out var id)
            ? (step, timestamp, id)
            : throw Invalid();
    }

    private static string Encode(string text) => Base64Url.EncodeToString(Encoding.UTF8.GetBytes(text));

    private static string Decode(string token)
    {
        if (token.Length > 200)
        {
            throw Invalid();
        }

        try
        {
            return Encoding.UTF8.GetString(Base64Url.DecodeFromChars(token));
        }
        catch (FormatException)
        {
            throw Invalid();
        }
    }

    private static MlflowException Invalid() => MlflowException.Invalid("Invalid page token: it was not issued by this server for this request.");
}
