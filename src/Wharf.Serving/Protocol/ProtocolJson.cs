using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Json.Serialization;

namespace Wharf.Serving.Protocol;

/// <summary>
/// JSON settings of the protocol surface. Strings are escaped only where JSON requires it (quotes, backslashes,
/// control characters), not HTML-safe as System.Text.Json does by default: these bodies are never embedded in HTML,
/// and error messages quoting names ('x') stay readable.
/// </summary>
internal static class ProtocolJson
{
    public static readonly JavaScriptEncoder Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping;

    public static readonly JsonWriterOptions WriterOptions = new() { Encoder = Encoder };

    public static readonly ProtocolJsonContext Context = new(new JsonSerializerOptions
    {
        PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower,
        DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
        Encoder = Encoder,
    });
}
