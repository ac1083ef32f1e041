using System.Globalization;
using System.Text.Json;

namespace Wharf.Server.Ui.Models;

/// <summary>
/// A version's signature as the registry stored it at registration (<c>{"onnx":[{"path","inputs","outputs"}]}</c>, see
/// <c>ModelSignatureReader</c>), read back for the version page. Dynamic dimensions (-1) show
/// their symbolic name when the model gave one, else <c>?</c>.
/// </summary>
public sealed record ModelSignature(string Path, IReadOnlyList<ModelSignature.Value> Inputs, IReadOnlyList<ModelSignature.Value> Outputs)
{
    /// <summary>An input or output: its name, its type (element type for tensors) and its shape.</summary>
    public sealed record Value(string Name, string Type, string Shape);

    /// <summary>The signatures of each ONNX file; none when the JSON is missing, empty or not what the registry writes.</summary>
    public static IReadOnlyList<ModelSignature> Parse(string? json)
    {
        if (string.IsNullOrEmpty(json))
        {
            return [];
        }

        try
        {
            using var document = JsonDocument.Parse(json);
            if (document.RootElement.ValueKind != JsonValueKind.Object
                || !document.RootElement.TryGetProperty("onnx", out var files) || files.ValueKind != JsonValueKind.Array)
            {
                return [];
            }

            return [.. files.EnumerateArray().Where(f => f.ValueKind == JsonValueKind.Object)
                .Select(f => new ModelSignature(Text(f, "path"), Values(f, "inputs"), Values(f, "outputs")))];
        }
        catch (JsonException)
        {
            return [];
        }
    }

    private static List<Value> Values(JsonElement file, string name)
    {
        if (!file.TryGetProperty(name, out var values) || values.ValueKind != JsonValueKind.Array)
        {
            return [];
        }

        return [.. values.EnumerateArray().Where(v => v.ValueKind == JsonValueKind.Object).Select(v =>
        {
            var type = Text(v, "element_type") is { Length: > 0 } element ? element : Text(v, "type");
            return new Value(Text(v, "name"), type, Shape(v));
        })];
    }

    private static string Shape(JsonElement value)
    {
        if (!value.TryGetProperty("shape", out var shape) || shape.ValueKind != JsonValueKind.Array)
        {
            return "";
        }

        var symbols = value.TryGetProperty("symbolic_shape", out var s) && s.ValueKind == JsonValueKind.Array
            ? [.. s.EnumerateArray().Select(x => x.ValueKind == JsonValueKind.String ? x.GetString() ?? "" : "")]
            : new List<string>();
        var dims = shape.EnumerateArray().Select((d, i) =>
            d.TryGetInt64(out var n) && n >= 0 ? n.ToString(CultureInfo.InvariantCulture)
            : i < symbols.Count && symbols[i].Length > 0 ? symbols[i]
            : "?");
        return "[" + string.Join(", ", dims) + "]";
    }

    private static string Text(JsonElement element, string name) =>
        element.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.String ? value.GetString() ?? "" : "";
}
