using System.Buffers.Binary;
using System.Globalization;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Wharf.Serving.Inference;

namespace Wharf.Serving.Tests.Conformance;

/// <summary>
/// A client side of the Open Inference Protocol's infer call, written from the protocol alone (it talks HTTP, not
/// to the server's types), with JSON tensors and with the binary tensor data extension.
/// </summary>
/// <remarks>
/// Binary extension (Triton's, which the protocol adopts): the body is the JSON request of
/// <c>Inference-Header-Content-Length</c> bytes followed by each input's raw bytes in input order; an input carries
/// <c>"parameters": {"binary_data_size": n}</c> instead of <c>data</c>. The request parameter
/// <c>binary_data_output: true</c> asks for every output in binary: the response then has the same header, each
/// output's JSON carries <c>binary_data_size</c>, and the bytes follow the JSON in output order. The raw bytes are
/// the layout <see cref="InferenceTensor.Data"/> already holds.
/// </remarks>
internal static class OpenInferenceHttp
{
    public const string HeaderLengthHeader = "Inference-Header-Content-Length";

    public static HttpRequestMessage BinaryInferRequest(string model, IReadOnlyList<InferenceTensor> inputs, IReadOnlyList<string> outputNames)
    {
        var request = new JsonObject
        {
            ["inputs"] = new JsonArray([.. inputs.Select(input => (JsonNode)new JsonObject
            {
                ["name"] = input.Name,
                ["shape"] = new JsonArray([.. input.Shape.Select(d => (JsonNode)JsonValue.Create(d))]),
                ["datatype"] = input.DataType.ToWireName(),
                ["parameters"] = new JsonObject { ["binary_data_size"] = input.Data.Length },
            })]),
            ["outputs"] = OutputsNode(outputNames),
            ["parameters"] = new JsonObject { ["binary_data_output"] = true },
        };
        var header = Encoding.UTF8.GetBytes(request.ToJsonString());
        var body = new byte[header.Length + inputs.Sum(i => i.Data.Length)];
        header.CopyTo(body, 0);
        var offset = header.Length;
        foreach (var input in inputs)
        {
            input.Data.Span.CopyTo(body.AsSpan(offset));
            offset += input.Data.Length;
        }

        var message = new HttpRequestMessage(HttpMethod.Post, InferPath(model)) { Content = new ByteArrayContent(body) };
        message.Content.Headers.ContentType = new MediaTypeHeaderValue("application/octet-stream");
        message.Headers.TryAddWithoutValidation(HeaderLengthHeader, header.Length.ToString(CultureInfo.InvariantCulture));
        return message;
    }

    /// <summary>The same request with JSON tensors, or null when the data has no JSON form (NaN, infinities, non-UTF-8 strings).</summary>
    public static HttpRequestMessage? JsonInferRequest(string model, IReadOnlyList<InferenceTensor> inputs, IReadOnlyList<string> outputNames)
    {
        var inputNodes = new JsonArray();
        foreach (var input in inputs)
        {
            if (ToJsonData(input) is not { } data)
            {
                return null;
            }

            inputNodes.Add(new JsonObject
            {
                ["name"] = input.Name,
                ["shape"] = new JsonArray([.. input.Shape.Select(d => (JsonNode)JsonValue.Create(d))]),
                ["datatype"] = input.DataType.ToWireName(),
                ["data"] = data,
            });
        }

        var request = new JsonObject { ["inputs"] = inputNodes, ["outputs"] = OutputsNode(outputNames) };
        return new HttpRequestMessage(HttpMethod.Post, InferPath(model))
        {
            Content = new StringContent(request.ToJsonString(), Encoding.UTF8, "application/json"),
        };
    }

    /// <summary>Reads a successful infer response, JSON or binary, into raw-layout tensors.</summary>
    public static async Task<IReadOnlyList<InferenceTensor>> ReadInferResponseAsync(HttpResponseMessage response, CancellationToken cancellationToken = default)
    {
        var body = await response.Content.ReadAsByteArrayAsync(cancellationToken);
        var headerLength = body.Length;
        if (response.Headers.TryGetValues(HeaderLengthHeader, out var values) || response.Content.Headers.TryGetValues(HeaderLengthHeader, out values))
        {
            headerLength = int.Parse(values.First(), CultureInfo.InvariantCulture);
        }

        using var json = JsonDocument.Parse(body.AsMemory(0, headerLength));
        var offset = headerLength;
        var outputs = new List<InferenceTensor>();
        foreach (var output in json.RootElement.GetProperty("outputs").EnumerateArray())
        {
            var name = output.GetProperty("name").GetString() ?? "";
            if (!TensorDataTypes.TryParse(output.GetProperty("datatype").GetString(), out var dataType))
            {
                throw new InvalidDataException($"output '{name}': unknown datatype {output.GetProperty("datatype")}");
            }

            long[] shape = [.. output.GetProperty("shape").EnumerateArray().Select(d => d.GetInt64())];
            byte[] data;
            if (output.TryGetProperty("parameters", out var parameters) && parameters.TryGetProperty("binary_data_size", out var size))
            {
                data = body.AsSpan(offset, size.GetInt32()).ToArray();
                offset += data.Length;
            }
            else
            {
                data = FromJsonData(dataType, output.GetProperty("data"));
            }

            outputs.Add(new InferenceTensor(name, dataType, shape, data));
        }

        return outputs;
    }

    private static string InferPath(string model) => $"/v2/models/{Uri.EscapeDataString(model)}/infer";

    private static JsonArray OutputsNode(IReadOnlyList<string> outputNames) =>
        new([.. outputNames.Select(name => (JsonNode)new JsonObject { ["name"] = name })]);

    private static JsonArray? ToJsonData(InferenceTensor tensor)
    {
        var data = new JsonArray();
        if (tensor.DataType == TensorDataType.Bytes)
        {
            var strict = new UTF8Encoding(encoderShouldEmitUTF8Identifier: false, throwOnInvalidBytes: true);
            foreach (var element in RawLayout.DecodeBytesElements(tensor.Data.Span))
            {
                try
                {
                    data.Add(strict.GetString(element));
                }
                catch (DecoderFallbackException)
                {
                    return null;
                }
            }

            return data;
        }

        var size = tensor.DataType.ElementSize();
        for (var offset = 0; offset < tensor.Data.Length; offset += size)
        {
            var element = tensor.Data.Span.Slice(offset, size);
            JsonNode? node = tensor.DataType switch
            {
                TensorDataType.Bool => JsonValue.Create(element[0] != 0),
                TensorDataType.Uint8 => JsonValue.Create(element[0]),
                TensorDataType.Int8 => JsonValue.Create((sbyte)element[0]),
                TensorDataType.Uint16 => JsonValue.Create(BinaryPrimitives.ReadUInt16LittleEndian(element)),
                TensorDataType.Int16 => JsonValue.Create(BinaryPrimitives.ReadInt16LittleEndian(element)),
                TensorDataType.Uint32 => JsonValue.Create(BinaryPrimitives.ReadUInt32LittleEndian(element)),
                TensorDataType.Int32 => JsonValue.Create(BinaryPrimitives.ReadInt32LittleEndian(element)),
                TensorDataType.Uint64 => JsonValue.Create(BinaryPrimitives.ReadUInt64LittleEndian(element)),
                TensorDataType.Int64 => JsonValue.Create(BinaryPrimitives.ReadInt64LittleEndian(element)),
                TensorDataType.Fp32 => FiniteOrNull(BinaryPrimitives.ReadSingleLittleEndian(element)),
                TensorDataType.Fp64 => FiniteOrNull(BinaryPrimitives.ReadDoubleLittleEndian(element)),
                _ => FiniteOrNull((float)TensorComparer.ReadFloating(tensor.DataType, element)),
            };
            if (node is null)
            {
                return null;
            }

            data.Add(node);
        }

        return data;
    }

    private static JsonValue? FiniteOrNull(float value) => float.IsFinite(value) ? JsonValue.Create(value) : null;

    private static JsonValue? FiniteOrNull(double value) => double.IsFinite(value) ? JsonValue.Create(value) : null;

    private static byte[] FromJsonData(TensorDataType dataType, JsonElement data)
    {
        var elements = new List<JsonElement>();
        Flatten(data, elements);
        if (dataType == TensorDataType.Bytes)
        {
            return RawLayout.EncodeBytesElements([.. elements.Select(e => Encoding.UTF8.GetBytes(e.GetString() ?? ""))]);
        }

        var size = dataType.ElementSize();
        var bytes = new byte[elements.Count * size];
        for (var i = 0; i < elements.Count; i++)
        {
            var element = elements[i];
            var span = bytes.AsSpan(i * size, size);
            switch (dataType)
            {
                case TensorDataType.Bool:
                    span[0] = (byte)(element.ValueKind == JsonValueKind.True || (element.ValueKind == JsonValueKind.Number && element.GetInt64() != 0) ? 1 : 0);
                    break;
                case TensorDataType.Uint64:
                    BinaryPrimitives.WriteUInt64LittleEndian(span, element.GetUInt64());
                    break;
                case TensorDataType.Fp32:
                    BinaryPrimitives.WriteSingleLittleEndian(span, (float)element.GetDouble());
                    break;
                case TensorDataType.Fp64:
                    BinaryPrimitives.WriteDoubleLittleEndian(span, element.GetDouble());
                    break;
                case TensorDataType.Fp16:
                    BinaryPrimitives.WriteHalfLittleEndian(span, (Half)element.GetDouble());
                    break;
                case TensorDataType.Bf16:
                    // Round to nearest even, as a float32 to bfloat16 conversion does.
                    var bits = BitConverter.SingleToUInt32Bits((float)element.GetDouble());
                    BinaryPrimitives.WriteUInt16LittleEndian(span, (ushort)((bits + 0x7FFF + ((bits >> 16) & 1)) >> 16));
                    break;
                default:
                    var value = element.GetInt64();
                    for (var b = 0; b < size; b++)
                    {
                        span[b] = (byte)(value >> (8 * b));
                    }

                    break;
            }
        }

        return bytes;
    }

    // The protocol allows the data array flat or nested in the shape; row-major either way.
    private static void Flatten(JsonElement data, List<JsonElement> elements)
    {
        if (data.ValueKind == JsonValueKind.Array)
        {
            foreach (var item in data.EnumerateArray())
            {
                Flatten(item, elements);
            }
        }
        else
        {
            elements.Add(data);
        }
    }
}
