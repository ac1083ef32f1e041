using System.Buffers.Binary;
using System.Text.Json;
using System.Text.Unicode;
using Wharf.Serving.Inference;

namespace Wharf.Serving.Protocol;

/// <summary>
/// Writes an output's raw layout as a flat JSON <c>data</c> array (the protocol allows flat row-major data whatever
/// the shape). FP16 and BF16 are written as the JSON numbers of their exact values; NaN and the infinities, which
/// JSON numbers cannot express, as the strings "NaN", "Infinity" and "-Infinity" (accepted on input too). BYTES are
/// written as strings, so they must be UTF-8; other bytes must be asked for as binary data.
/// </summary>
internal static class TensorJsonWriter
{
    public static void Write(Utf8JsonWriter writer, InferenceTensor tensor)
    {
        var data = tensor.Data.Span;
        writer.WriteStartArray();
        switch (tensor.DataType)
        {
            case TensorDataType.Bool:
                foreach (var value in data)
                {
                    writer.WriteBooleanValue(value != 0);
                }

                break;
            case TensorDataType.Uint8:
                foreach (var value in data)
                {
                    writer.WriteNumberValue(value);
                }

                break;
            case TensorDataType.Int8:
                foreach (var value in data)
                {
                    writer.WriteNumberValue((sbyte)value);
                }

                break;
            case TensorDataType.Uint16:
                for (var i = 0; i < data.Length; i += 2)
                {
                    writer.WriteNumberValue(BinaryPrimitives.ReadUInt16LittleEndian(data[i..]));
                }

                break;
            case TensorDataType.Int16:
                for (var i = 0; i < data.Length; i += 2)
                {
                    writer.WriteNumberValue(BinaryPrimitives.ReadInt16LittleEndian(data[i..]));
                }

                break;
            case TensorDataType.Uint32:
                for (var i = 0; i < data.Length; i += 4)
                {
                    writer.WriteNumberValue(BinaryPrimitives.ReadUInt32LittleEndian(data[i..]));
                }

                break;
            case TensorDataType.Int32:
                for (var i = 0; i < data.Length; i += 4)
                {
                    writer.WriteNumberValue(BinaryPrimitives.ReadInt32LittleEndian(data[i..]));
                }

                break;
            case TensorDataType.Uint64:
                for (var i = 0; i < data.Length; i += 8)
                {
                    writer.WriteNumberValue(BinaryPrimitives.ReadUInt64LittleEndian(data[i..]));
                }

                break;
            case TensorDataType.Int64:
                for (var i = 0; i < data.Length; i += 8)
                {
                    writer.WriteNumberValue(BinaryPrimitives.ReadInt64LittleEndian(data[i..]));
                }

                break;
            case TensorDataType.Fp16:
                for (var i = 0; i < data.Length; i += 2)
                {
                    WriteSingle(writer, (float)BinaryPrimitives.ReadHalfLittleEndian(data[i..]));
                }

                break;
            case TensorDataType.Bf16:
                for (var i = 0; i < data.Length; i += 2)
                {
                    WriteSingle(writer, BFloat16Bits.ToSingle(BinaryPrimitives.ReadUInt16LittleEndian(data[i..])));
                }

                break;
            case TensorDataType.Fp32:
                for (var i = 0; i < data.Length; i += 4)
                {
                    WriteSingle(writer, BinaryPrimitives.ReadSingleLittleEndian(data[i..]));
                }

                break;
            case TensorDataType.Fp64:
                for (var i = 0; i < data.Length; i += 8)
                {
                    var value = BinaryPrimitives.ReadDoubleLittleEndian(data[i..]);
                    if (double.IsFinite(value))
                    {
                        writer.WriteNumberValue(value);
                    }
                    else
                    {
                        WriteNonFinite(writer, double.IsNaN(value), value > 0);
                    }
                }

                break;
            case TensorDataType.Bytes:
                var offset = 0;
                while (offset < data.Length)
                {
                    var length = BinaryPrimitives.ReadInt32LittleEndian(data[offset..]);
                    var element = data.Slice(offset + sizeof(int), length);
                    if (!Utf8.IsValid(element))
                    {
                        throw ProtocolException.BadRequest(
                            $"output '{tensor.Name}' holds bytes that are not UTF-8, which JSON cannot carry; ask for it with the parameter binary_data=true");
                    }

                    writer.WriteStringValue(element);
                    offset += sizeof(int) + length;
                }

                break;
        }

        writer.WriteEndArray();
    }

    private static void WriteSingle(Utf8JsonWriter writer, float value)
    {
        if (float.IsFinite(value))
        {
            writer.WriteNumberValue(value);
        }
        else
        {
            WriteNonFinite(writer, float.IsNaN(value), value > 0);
        }
    }

    private static void WriteNonFinite(Utf8JsonWriter writer, bool nan, bool positive) =>
        writer.WriteStringValue(nan ? "NaN"u8 : positive ? "Infinity"u8 : "-Infinity"u8);
}
