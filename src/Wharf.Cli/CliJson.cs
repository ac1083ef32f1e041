using System.Text.Encodings.Web;
using System.Text.Json;
using Wharf.Client;

namespace Wharf.Cli;

/// <summary>
/// JSON for stdout: the SDK's contracts, but without HTML-safe escaping, so media types read
/// <c>application/vnd.oci.image.manifest.v1+json</c> rather than <c>...v1\u002Bjson</c>. Nothing printed here is
/// embedded in a web page.
/// </summary>
internal static class CliJson
{
    public static WharfJsonContext Context { get; } = new(new JsonSerializerOptions(JsonSerializerDefaults.Web)
    {
        Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
    });

    /// <summary>A JSON string literal for hand-written JSON lines, escaped like <see cref="Context"/> escapes.</summary>
    public static string Quote(string value) => $"\"{JsonEncodedText.Encode(value, JavaScriptEncoder.UnsafeRelaxedJsonEscaping)}\"";
}
