using System.Buffers.Binary;
using System.Globalization;
using System.Text.Json;
using Wharf.Serving.Inference;
using Wharf.Serving.Models;

namespace Wharf.Serving.Protocol;

/// <summary>
/// Reads an infer request body:
/// <code>
/// { "id"?: string, "parameters"?: { "binary_data_output"?: bool, "timeout"?: ms },
///   "inputs": [ { "name", "datatype", "shape": [..], "parameters"?: { "binary_data_size"?: n }, "data"?: [..] } ],
///   "outputs"?: [ { "name", "parameters"?: { "binary_data"?: bool } } ] }
/// </code>
/// With the binary tensor data extension the body is that JSON header (its length in the Inference-Header-Content-Length
/// request header) followed by the inputs that carry <c>binary_data_size</c>, back to back in input order, in the raw
/// layout. Binary inputs are not copied: their tensors are slices of the body. Everything is checked against the
/// model's signature here, so the runtime only ever sees well-formed tensors.
/// </summary>
internal static class InferRequestParser
{
    public const string HeaderLengthHeader = "Inference-Header-Content-Length";

    public static ParsedInferRequest Parse(ReadOnlyMemory<byte> body, string? headerLength, ModelSignature signature, bool hasBatchDimension)
    {
        var jsonLength = body.Length;
        if (headerLength is not null
            && (!int.TryParse(headerLength, NumberStyles.None, CultureInfo.InvariantCulture, out jsonLength) || jsonLength > body.Length))
        {
            throw ProtocolException.BadRequest(
                $"{HeaderLengthHeader} must be a non-negative integer no larger than the body ({body.Length} bytes), not '{Truncate(headerLength)}'");
        }

        var json = body[..jsonLength];
        var binary = body[jsonLength..];
        RawRequest raw;
        try
        {
            raw = ReadHeader(json.Span);
        }
        catch (JsonException exception)
        {
            throw ProtocolException.BadRequest($"invalid JSON: {exception.Message}");
        }

        var inputs = ReadInputs(raw, json, binary, signature, hasBatchDimension);
        var outputs = ReadOutputs(raw, signature);
        return new ParsedInferRequest(raw.Id, inputs, outputs, raw.Timeout);
    }

    private static InferenceTensor[] ReadInputs(
        RawRequest raw, ReadOnlyMemory<byte> json, ReadOnlyMemory<byte> binary, ModelSignature signature, bool hasBatchDimension)
    {
        if (raw.Inputs is null)
        {
            throw ProtocolException.BadRequest("the request has no \"inputs\"");
        }

        var tensors = new InferenceTensor?[signature.Inputs.Count];
        var binaryOffset = 0;
        foreach (var input in raw.Inputs)
        {
            if (string.IsNullOrEmpty(input.Name))
            {
                throw ProtocolException.BadRequest("every input needs a \"name\"");
            }

            var index = IndexOf(signature.Inputs, input.Name);
            if (index < 0)
            {
                throw ProtocolException.BadRequest(
                    $"the model has no input '{input.Name}' (its inputs: {string.Join(", ", signature.Inputs.Select(i => i.Name))})");
            }

            if (tensors[index] is not null)
            {
                throw ProtocolException.BadRequest($"input '{input.Name}' is given twice");
            }

            var expected = signature.Inputs[index];
            if (!TensorDataTypes.TryParse(input.DataType, out var dataType))
            {
                throw ProtocolException.BadRequest($"input '{input.Name}': '{Truncate(input.DataType)}' is not a datatype of the protocol");
            }

            if (dataType != expected.DataType)
            {
                throw ProtocolException.BadRequest(
                    $"input '{input.Name}' has datatype {dataType.ToWireName()}, the model expects {expected.DataType.ToWireName()}");
            }

            var shape = input.Shape ?? throw ProtocolException.BadRequest($"input '{input.Name}' has no \"shape\"");
            CheckShape(input.Name, shape, expected.Shape);
            long elementCount = 1;
            foreach (var dimension in shape)
            {
                elementCount = dimension == 0 || elementCount <= long.MaxValue / dimension
                    ? elementCount * dimension
                    : throw ProtocolException.BadRequest($"input '{input.Name}': shape [{string.Join(",", shape)}] is too large");
            }

            ReadOnlyMemory<byte> data;
            if (input.BinaryDataSize is long size)
            {
                if (input.DataLength >= 0)
                {
                    throw ProtocolException.BadRequest($"input '{input.Name}' has both \"data\" and binary_data_size");
                }

                if (size > binary.Length - binaryOffset)
                {
                    throw ProtocolException.BadRequest(
                        $"input '{input.Name}': binary_data_size {size} runs past the end of the body ({binary.Length - binaryOffset} binary bytes left)");
                }

                data = binary.Slice(binaryOffset, (int)size);
                binaryOffset += (int)size;
                CheckBinary(input.Name, dataType, shape, elementCount, data.Span);
            }
            else if (input.DataLength >= 0)
            {
                data = TensorJsonReader.Read(json.Span.Slice(input.DataStart, input.DataLength), input.Name, dataType, shape, elementCount);
            }
            else
            {
                throw ProtocolException.BadRequest($"input '{input.Name}' has neither \"data\" nor binary_data_size");
            }

            tensors[index] = new InferenceTensor(expected.Name, dataType, shape, data);
        }

        if (binaryOffset != binary.Length)
        {
            throw ProtocolException.BadRequest(
                $"the body carries {binary.Length} bytes of binary data but the inputs' binary_data_size add up to {binaryOffset}");
        }

        for (var i = 0; i < tensors.Length; i++)
        {
            if (tensors[i] is null)
            {
                throw ProtocolException.BadRequest($"input '{signature.Inputs[i].Name}' is missing");
            }
        }

        if (hasBatchDimension && tensors.Length > 1 && tensors.Any(t => t!.Shape[0] != tensors[0]!.Shape[0]))
        {
            throw ProtocolException.BadRequest("every input must have the same first (batch) dimension");
        }

        return tensors!;
    }

    private static List<RequestedOutput> ReadOutputs(RawRequest raw, ModelSignature signature)
    {
        var outputs = new List<RequestedOutput>();
        if (raw.Outputs is null || raw.Outputs.Count == 0)
        {
            outputs.AddRange(signature.Outputs.Select(output => new RequestedOutput(output.Name, raw.BinaryDataOutput)));
            return outputs;
        }

        foreach (var output in raw.Outputs)
        {
            if (string.IsNullOrEmpty(output.Name))
            {
                throw ProtocolException.BadRequest("every requested output needs a \"name\"");
            }

            if (signature.FindOutput(output.Name) is null)
            {
                throw ProtocolException.BadRequest(
                    $"the model has no output '{output.Name}' (its outputs: {string.Join(", ", signature.Outputs.Select(o => o.Name))})");
            }

            if (outputs.Any(o => string.Equals(o.Name, output.Name, StringComparison.Ordinal)))
            {
                throw ProtocolException.BadRequest($"output '{output.Name}' is requested twice");
            }

            outputs.Add(new RequestedOutput(output.Name, output.BinaryData ?? raw.BinaryDataOutput));
        }

        return outputs;
    }

    private static void CheckShape(string name, long[] shape, long[] expected)
    {
        // ONNX Runtime reports an input without shape information (unknown rank) as rank 0, like a scalar; the two
        // cannot be told apart, so a rank-0 signature accepts any shape and the runtime has the last word.
        if (expected.Length == 0)
        {
            return;
        }

        var matches = shape.Length == expected.Length;
        for (var i = 0; matches && i < shape.Length; i++)
        {
            matches = expected[i] < 0 || expected[i] == shape[i];
        }

        if (!matches)
        {
            throw ProtocolException.BadRequest(
                $"input '{name}' has shape [{string.Join(",", shape)}], the model expects [{string.Join(",", expected)}] (-1 = any)");
        }
    }

    private static void CheckBinary(string name, TensorDataType dataType, long[] shape, long elementCount, ReadOnlySpan<byte> data)
    {
        if (dataType != TensorDataType.Bytes)
        {
            var expected = elementCount <= data.Length ? elementCount * dataType.ElementSize() : -1;
            if (data.Length != expected)
            {
                throw ProtocolException.BadRequest(
                    $"input '{name}': binary_data_size {data.Length} disagrees with shape [{string.Join(",", shape)}] of {dataType.ToWireName()}");
            }

            if (dataType == TensorDataType.Bool && data.IndexOfAnyExcept((byte)0, (byte)1) >= 0)
            {
                throw ProtocolException.BadRequest($"input '{name}': binary BOOL elements must be the bytes 0 or 1");
            }

            return;
        }

        var offset = 0;
        for (long i = 0; i < elementCount; i++)
        {
            if (data.Length - offset < sizeof(int))
            {
                throw ProtocolException.BadRequest($"input '{name}': binary BYTES data holds {i} elements, its shape says {elementCount}");
            }

            var length = BinaryPrimitives.ReadInt32LittleEndian(data[offset..]);
            offset += sizeof(int);
            if (length < 0 || length > data.Length - offset)
            {
                throw ProtocolException.BadRequest($"input '{name}': binary BYTES element {i} has a length running past binary_data_size");
            }

            offset += length;
        }

        if (offset != data.Length)
        {
            throw ProtocolException.BadRequest($"input '{name}': binary BYTES data holds more than the {elementCount} elements of its shape");
        }
    }

    private static int IndexOf(IReadOnlyList<TensorSignature> tensors, string name)
    {
        for (var i = 0; i < tensors.Count; i++)
        {
            if (string.Equals(tensors[i].Name, name, StringComparison.Ordinal))
            {
                return i;
            }
        }

        return -1;
    }

    private static string? Truncate(string? value) => value is { Length: > 64 } ? value[..64] + "..." : value;

    private static RawRequest ReadHeader(ReadOnlySpan<byte> json)
    {
        var reader = new Utf8JsonReader(json, new JsonReaderOptions { MaxDepth = 64 });
        if (!reader.Read() || reader.TokenType != JsonTokenType.StartObject)
        {
            throw ProtocolException.BadRequest("the request must be a JSON object");
        }

        var request = new RawRequest();
        while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
        {
            if (reader.ValueTextEquals("id"u8))
            {
                request.Id = ReadString(ref reader, "id");
            }
            else if (reader.ValueTextEquals("parameters"u8))
            {
                ReadParameters(ref reader, "request", (ref Utf8JsonReader r) =>
                {
                    if (r.ValueTextEquals("binary_data_output"u8))
                    {
                        request.BinaryDataOutput = ReadBool(ref r, "binary_data_output");
                        return true;
                    }

                    if (r.ValueTextEquals("timeout"u8))
                    {
                        var milliseconds = ReadNonNegative(ref r, "timeout");
                        request.Timeout = TimeSpan.FromMilliseconds(Math.Min(milliseconds, (long)TimeSpan.MaxValue.TotalMilliseconds - 1));
                        return true;
                    }

                    return false;
                });
            }
            else if (reader.ValueTextEquals("inputs"u8))
            {
                request.Inputs = [];
                ReadArrayOfObjects(ref reader, "inputs", (ref Utf8JsonReader r) => request.Inputs.Add(ReadInput(ref r)));
            }
            else if (reader.ValueTextEquals("outputs"u8))
            {
                request.Outputs = [];
                ReadArrayOfObjects(ref reader, "outputs", (ref Utf8JsonReader r) => request.Outputs.Add(ReadOutput(ref r)));
            }
            else
            {
                reader.Read();
                reader.Skip();
            }
        }

        if (reader.TokenType != JsonTokenType.EndObject || reader.Read())
        {
            throw ProtocolException.BadRequest("invalid JSON: the request object is incomplete or followed by more data");
        }

        return request;
    }

    private static RawInput ReadInput(ref Utf8JsonReader reader)
    {
        var input = new RawInput();
        while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
        {
            if (reader.ValueTextEquals("name"u8))
            {
                input.Name = ReadString(ref reader, "name");
            }
            else if (reader.ValueTextEquals("datatype"u8))
            {
                input.DataType = ReadString(ref reader, "datatype");
            }
            else if (reader.ValueTextEquals("shape"u8))
            {
                input.Shape = ReadShape(ref reader);
            }
            else if (reader.ValueTextEquals("parameters"u8))
            {
                ReadParameters(ref reader, "input", (ref Utf8JsonReader r) =>
                {
                    if (!r.ValueTextEquals("binary_data_size"u8))
                    {
                        return false;
                    }

                    input.BinaryDataSize = ReadNonNegative(ref r, "binary_data_size");
                    return true;
                });
            }
            else if (reader.ValueTextEquals("data"u8))
            {
                // Remember where the data is; it is read once the datatype and shape (which may come later) are known.
                reader.Read();
                input.DataStart = checked((int)reader.TokenStartIndex);
                reader.Skip();
                input.DataLength = checked((int)reader.BytesConsumed) - input.DataStart;
            }
            else
            {
                reader.Read();
                reader.Skip();
            }
        }

        return input;
    }

    private static RawOutput ReadOutput(ref Utf8JsonReader reader)
    {
        var output = new RawOutput();
        while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
        {
            if (reader.ValueTextEquals("name"u8))
            {
                output.Name = ReadString(ref reader, "name");
            }
            else if (reader.ValueTextEquals("parameters"u8))
            {
                ReadParameters(ref reader, "output", (ref Utf8JsonReader r) =>
                {
                    if (!r.ValueTextEquals("binary_data"u8))
                    {
                        return false;
                    }

                    output.BinaryData = ReadBool(ref r, "binary_data");
                    return true;
                });
            }
            else
            {
                reader.Read();
                reader.Skip();
            }
        }

        return output;
    }

    private delegate void ElementReader(ref Utf8JsonReader reader);

    private delegate bool ParameterReader(ref Utf8JsonReader reader);

    private static void ReadArrayOfObjects(ref Utf8JsonReader reader, string property, ElementReader readElement)
    {
        if (!reader.Read() || reader.TokenType != JsonTokenType.StartArray)
        {
            throw ProtocolException.BadRequest($"\"{property}\" must be an array of objects");
        }

        while (reader.Read() && reader.TokenType != JsonTokenType.EndArray)
        {
            if (reader.TokenType != JsonTokenType.StartObject)
            {
                throw ProtocolException.BadRequest($"\"{property}\" must be an array of objects");
            }

            readElement(ref reader);
        }
    }

    /// <summary>Reads a parameters object; the callback reads the parameters it knows, the others are skipped.</summary>
    private static void ReadParameters(ref Utf8JsonReader reader, string owner, ParameterReader readKnown)
    {
        if (!reader.Read() || reader.TokenType != JsonTokenType.StartObject)
        {
            throw ProtocolException.BadRequest($"{owner} \"parameters\" must be an object");
        }

        while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
        {
            if (!readKnown(ref reader))
            {
                reader.Read();
                reader.Skip();
            }
        }
    }

    private static string ReadString(ref Utf8JsonReader reader, string property)
    {
        reader.Read();
        return reader.TokenType == JsonTokenType.String
            ? reader.GetString()!
            : throw ProtocolException.BadRequest($"\"{property}\" must be a string");
    }

    private static bool ReadBool(ref Utf8JsonReader reader, string property)
    {
        reader.Read();
        return reader.TokenType switch
        {
            JsonTokenType.True => true,
            JsonTokenType.False => false,
            _ => throw ProtocolException.BadRequest($"parameter \"{property}\" must be true or false"),
        };
    }

    private static long ReadNonNegative(ref Utf8JsonReader reader, string property)
    {
        reader.Read();
        return reader.TokenType == JsonTokenType.Number && reader.TryGetInt64(out var value) && value >= 0
            ? value
            : throw ProtocolException.BadRequest($"parameter \"{property}\" must be a non-negative integer");
    }

    private static long[] ReadShape(ref Utf8JsonReader reader)
    {
        reader.Read();
        if (reader.TokenType != JsonTokenType.StartArray)
        {
            throw ProtocolException.BadRequest("\"shape\" must be an array of non-negative integers");
        }

        var shape = new List<long>(4);
        while (reader.Read() && reader.TokenType != JsonTokenType.EndArray)
        {
            if (reader.TokenType != JsonTokenType.Number || !reader.TryGetInt64(out var dimension) || dimension < 0 || shape.Count >= 64)
            {
                throw ProtocolException.BadRequest("\"shape\" must be an array of at most 64 non-negative integers");
            }

            shape.Add(dimension);
        }

        return [.. shape];
    }

    private sealed class RawRequest
    {
        public string? Id { get; set; }

        public bool BinaryDataOutput { get; set; }

        public TimeSpan? Timeout { get; set; }

        public List<RawInput>? Inputs { get; set; }

        public List<RawOutput>? Outputs { get; set; }
    }

    private sealed class RawInput
    {
        public string? Name { get; set; }

        public string? DataType { get; set; }

        public long[]? Shape { get; set; }

        public long? BinaryDataSize { get; set; }

        public int DataStart { get; set; } = -1;

        public int DataLength { get; set; } = -1;
    }

    private sealed class RawOutput
    {
        public string? Name { get; set; }

        public bool? BinaryData { get; set; }
    }
}
