using System.Buffers;
using System.Globalization;
using System.Text.Json;
using System.Text.Unicode;
using Wharf.Serving.Inference;

namespace Wharf.Serving.Protocol;

/// <summary>
/// Writes an infer response: <c>{"model_name","model_version","id"?,"outputs":[{"name","datatype","shape","data"}]}</c>.
/// Outputs asked for as binary carry <c>"parameters":{"binary_data_size":n}</c> instead of <c>data</c> and follow the JSON
/// header, in output order, in the raw layout; the body is then application/octet-stream and the
/// Inference-Header-Content-Length response header gives the JSON header's length.
/// </summary>
internal static class InferResponseWriter
{
    private const int FlushThreshold = 64 * 1024;

    public static async Task WriteAsync(
        HttpResponse response, string modelName, string modelVersion, ParsedInferRequest request,
        IReadOnlyList<InferenceTensor> outputs, CancellationToken cancellationToken)
    {
        // Checked before the first byte is written, so a refusal is still a clean 400.
        for (var i = 0; i < outputs.Count; i++)
        {
            if (!request.Outputs[i].Binary && outputs[i].DataType == TensorDataType.Bytes)
            {
                CheckUtf8(outputs[i]);
            }
        }

        if (!request.AnyBinaryOutput)
        {
            response.ContentType = "application/json";
            await using (var writer = new Utf8JsonWriter(response.BodyWriter, ProtocolJson.WriterOptions))
            {
                WriteHeader(writer, modelName, modelVersion, request, outputs);
            }

            await response.BodyWriter.FlushAsync(cancellationToken);
            return;
        }

        var header = new ArrayBufferWriter<byte>();
        await using (var writer = new Utf8JsonWriter(header, ProtocolJson.WriterOptions))
        {
            WriteHeader(writer, modelName, modelVersion, request, outputs);
        }

        long length = header.WrittenCount;
        for (var i = 0; i < outputs.Count; i++)
        {
            length += request.Outputs[i].Binary ? outputs[i].Data.Length : 0;
        }

        response.ContentType = "application/octet-stream";
        response.Headers[InferRequestParser.HeaderLengthHeader] = header.WrittenCount.ToString(CultureInfo.InvariantCulture);
        response.ContentLength = length;

        // Small responses go into the response pipe and out in one flush: a write to the response stream per part
        // would flush each, a send per part, and the client would wake for each. Large outputs are flushed as they
        // go, so the pipe never holds a second copy of them.
        var body = response.BodyWriter;
        body.Write(header.WrittenSpan);
        long unflushed = header.WrittenCount;
        for (var i = 0; i < outputs.Count; i++)
        {
            if (!request.Outputs[i].Binary)
            {
                continue;
            }

            var data = outputs[i].Data;
            while (!data.IsEmpty)
            {
                var part = data[..Math.Min(data.Length, FlushThreshold)];
                body.Write(part.Span);
                unflushed += part.Length;
                data = data[part.Length..];
                if (unflushed >= FlushThreshold)
                {
                    await body.FlushAsync(cancellationToken);
                    unflushed = 0;
                }
            }
        }

        if (unflushed > 0)
        {
            await body.FlushAsync(cancellationToken);
        }
    }

    private static void WriteHeader(
        Utf8JsonWriter writer, string modelName, string modelVersion, ParsedInferRequest request, IReadOnlyList<InferenceTensor> outputs)
    {
        writer.WriteStartObject();
        writer.WriteString("model_name"u8, modelName);
        writer.WriteString("model_version"u8, modelVersion);
        if (request.Id is not null)
        {
            writer.WriteString("id"u8, request.Id);
        }

        writer.WriteStartArray("outputs"u8);
        for (var i = 0; i < outputs.Count; i++)
        {
            var output = outputs[i];
            writer.WriteStartObject();
            writer.WriteString("name"u8, output.Name);
            writer.WriteString("datatype"u8, output.DataType.ToWireName());
            writer.WriteStartArray("shape"u8);
            foreach (var dimension in output.Shape)
            {
                writer.WriteNumberValue(dimension);
            }

            writer.WriteEndArray();
            if (request.Outputs[i].Binary)
            {
                writer.WriteStartObject("parameters"u8);
                writer.WriteNumber("binary_data_size"u8, output.Data.Length);
                writer.WriteEndObject();
            }
            else
            {
                writer.WritePropertyName("data"u8);
                TensorJsonWriter.Write(writer, output);
            }

            writer.WriteEndObject();
        }

        writer.WriteEndArray();
        writer.WriteEndObject();
    }

    private static void CheckUtf8(InferenceTensor tensor)
    {
        var data = tensor.Data.Span;
        var offset = 0;
        while (offset < data.Length)
        {
            var length = System.Buffers.Binary.BinaryPrimitives.ReadInt32LittleEndian(data[offset..]);
            if (!Utf8.IsValid(data.Slice(offset + sizeof(int), length)))
            {
                throw ProtocolException.BadRequest(
                    $"output '{tensor.Name}' holds bytes that are not UTF-8, which JSON cannot carry; ask for it with the parameter binary_data=true");
            }

            offset += sizeof(int) + length;
        }
    }
}
