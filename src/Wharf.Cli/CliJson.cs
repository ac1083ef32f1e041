using System.Text.Encodings.Web;
using System.Text.Json;
using Wharf.Client;
using Wharf.Client.Tracking;

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

    /// <summary>
    /// The tracking contracts in MLflow's own shape (snake_case, as <c>mlflow</c> prints them), escaped like
    /// <see cref="Context"/>: the SDK's options copied, so naming and number handling stay the SDK's.
    /// </summary>
    public static TrackingJsonContext Tracking { get; } = new(new JsonSerializerOptions(TrackingJsonContext.Default.Options)
    {
        Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
        TypeInfoResolver = null,
    });

    /// <summary>A JSON string literal for hand-written JSON lines, escaped like <see cref="Context"/> escapes.</summary>
    public static string Quote(string value) => $"\"{JsonEncodedText.Encode(value, JavaScriptEncoder.UnsafeRelaxedJsonEscaping)}\"";
}
