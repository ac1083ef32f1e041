using System.Buffers;
using System.Buffers.Binary;
using System.Text.Json;
using Wharf.Serving.Inference;

namespace Wharf.Serving.Protocol;

/// <summary>
/// Reads an input's JSON <c>data</c> straight into the raw layout, element by element, with no boxing and no DOM.
/// <c>data</c> is either flat (row-major, as many elements as the shape holds) or nested exactly as the shape says
/// (every level as long as its dimension). Floating-point NaN and infinities cannot be JSON numbers, so they travel as
/// the strings "NaN", "Infinity" and "-Infinity" (the same strings the server writes); numbers a datatype cannot hold
/// (1e39 as FP32, 1.5 or 300 as UINT8, NaN as an integer) are refused, never rounded or wrapped.
/// </summary>
internal static class TensorJsonReader
{
    public static byte[] Read(ReadOnlySpan<byte> json, string name, TensorDataType dataType, long[] shape, long elementCount)
    {
        // Every JSON element takes at least one byte, so a shape promising more elements than there are bytes is a
        // mismatch, found before allocating anything for it.
        if (elementCount > json.Length)
        {
            throw Mismatch(name, shape, elementCount, "fewer");
        }

        var reader = new Utf8JsonReader(json, new JsonReaderOptions { MaxDepth = 64 });
        var elementSize = dataType.ElementSize();
        var fixedBuffer = dataType == TensorDataType.Bytes ? null : new byte[elementCount * elementSize];
        var bytesBuffer = dataType == TensorDataType.Bytes ? new ArrayBufferWriter<byte>((int)Math.Min(json.Length + 4 * elementCount, int.MaxValue)) : null;

        var maxDepth = Math.Max(shape.Length, 1);
        Span<long> counts = stackalloc long[Math.Min(maxDepth, 64)];
        var depth = 0;
        var nested = false;
        var flat = false;
        long written = 0;
        while (reader.Read())
        {
            switch (reader.TokenType)
            {
                case JsonTokenType.StartArray:
                    if (depth > 0)
                    {
                        if (flat)
                        {
                            throw ProtocolException.BadRequest($"input '{name}': data mixes nested arrays and values at one level");
                        }

                        nested = true;
                        counts[depth - 1]++;
                    }

                    depth++;
                    if (depth > maxDepth)
                    {
                        throw ProtocolException.BadRequest($"input '{name}': data is nested deeper than its shape [{string.Join(",", shape)}]");
                    }

                    counts[depth - 1] = 0;
                    break;

                case JsonTokenType.EndArray:
                    if (nested && shape.Length > 0 && counts[depth - 1] != shape[depth - 1])
                    {
                        throw ProtocolException.BadRequest(
                            $"input '{name}': data has {counts[depth - 1]} entries at nesting level {depth}, its shape [{string.Join(",", shape)}] says {shape[depth - 1]}");
                    }

                    depth--;
                    if (depth == 0)
                    {
                        if (written != elementCount)
                        {
                            throw Mismatch(name, shape, elementCount, written < elementCount ? "fewer" : "more");
                        }

                        return fixedBuffer ?? bytesBuffer!.WrittenSpan.ToArray();
                    }

                    break;

                default:
                    if (depth == 0)
                    {
                        throw ProtocolException.BadRequest($"input '{name}': data must be an array");
                    }

                    if (nested ? depth != shape.Length : depth != 1)
                    {
                        throw ProtocolException.BadRequest(
                            $"input '{name}': data nesting does not follow its shape [{string.Join(",", shape)}]; send it flat or nested once per dimension");
                    }

                    flat = !nested;
                    counts[depth - 1]++;
                    if (written == elementCount)
                    {
                        throw Mismatch(name, shape, elementCount, "more");
                    }

                    if (fixedBuffer is not null)
                    {
                        WriteFixed(ref reader, name, dataType, fixedBuffer.AsSpan((int)(written * elementSize), elementSize));
                    }
                    else
                    {
                        WriteBytes(ref reader, name, bytesBuffer!);
                    }

                    written++;
                    break;
            }
        }

        throw ProtocolException.BadRequest($"input '{name}': data is not a complete JSON array");
    }

    private static ProtocolException Mismatch(string name, long[] shape, long elementCount, string fewerOrMore) =>
        ProtocolException.BadRequest(
            $"input '{name}': data has {fewerOrMore} elements than its shape [{string.Join(",", shape)}] holds ({elementCount})");

    private static void WriteBytes(ref Utf8JsonReader reader, string name, ArrayBufferWriter<byte> buffer)
    {
        if (reader.TokenType != JsonTokenType.String)
        {
            throw ProtocolException.BadRequest($"input '{name}': BYTES elements must be JSON strings");
        }

        var maximum = reader.HasValueSequence ? checked((int)reader.ValueSequence.Length) : reader.ValueSpan.Length;
        var span = buffer.GetSpan(sizeof(int) + maximum);
        var length = reader.CopyString(span[sizeof(int)..]);
        BinaryPrimitives.WriteInt32LittleEndian(span, length);
        buffer.Advance(sizeof(int) + length);
    }

    private static void WriteFixed(ref Utf8JsonReader reader, string name, TensorDataType dataType, Span<byte> destination)
    {
        switch (dataType)
        {
            case TensorDataType.Bool:
                destination[0] = reader.TokenType switch
                {
                    JsonTokenType.True => 1,
                    JsonTokenType.False => 0,
                    _ => throw ProtocolException.BadRequest($"input '{name}': BOOL elements must be true or false"),
                };
                return;

            case TensorDataType.Uint64:
                if (reader.TokenType != JsonTokenType.Number || !reader.TryGetUInt64(out var unsigned))
                {
                    throw NotInRange(name, dataType, ref reader);
                }

                BinaryPrimitives.WriteUInt64LittleEndian(destination, unsigned);
                return;

            case TensorDataType.Fp16 or TensorDataType.Bf16 or TensorDataType.Fp32 or TensorDataType.Fp64:
                WriteFloatingPoint(ref reader, name, dataType, destination);
                return;
        }

        if (reader.TokenType != JsonTokenType.Number || !reader.TryGetInt64(out var value))
        {
            throw NotInRange(name, dataType, ref reader);
        }

        var (minimum, maximum) = dataType switch
        {
            TensorDataType.Uint8 => (byte.MinValue, byte.MaxValue),
            TensorDataType.Uint16 => (ushort.MinValue, ushort.MaxValue),
            TensorDataType.Uint32 => (uint.MinValue, uint.MaxValue),
            TensorDataType.Int8 => (sbyte.MinValue, sbyte.MaxValue),
            TensorDataType.Int16 => (short.MinValue, short.MaxValue),
            TensorDataType.Int32 => (int.MinValue, int.MaxValue),
            _ => (long.MinValue, long.MaxValue),
        };
        if (value < minimum || value > maximum)
        {
            throw NotInRange(name, dataType, ref reader);
        }

        switch (destination.Length)
        {
            case 1:
                destination[0] = (byte)value;
                break;
            case 2:
                BinaryPrimitives.WriteInt16LittleEndian(destination, (short)value);
                break;
            case 4:
                BinaryPrimitives.WriteInt32LittleEndian(destination, (int)value);
                break;
            default:
                BinaryPrimitives.WriteInt64LittleEndian(destination, value);
                break;
        }
    }

    private static void WriteFloatingPoint(ref Utf8JsonReader reader, string name, TensorDataType dataType, Span<byte> destination)
    {
        double value;
        if (reader.TokenType == JsonTokenType.Number)
        {
            if (!reader.TryGetDouble(out value) || !double.IsFinite(value))
            {
                throw NotInRange(name, dataType, ref reader);
            }
        }
        else if (reader.TokenType == JsonTokenType.String)
        {
            if (reader.ValueTextEquals("NaN"u8))
            {
                value = double.NaN;
            }
            else if (reader.ValueTextEquals("Infinity"u8))
            {
                value = double.PositiveInfinity;
            }
            else if (reader.ValueTextEquals("-Infinity"u8))
            {
                value = double.NegativeInfinity;
            }
            else
            {
                throw ProtocolException.BadRequest(
                    $"input '{name}': {dataType.ToWireName()} elements are numbers or the strings \"NaN\", \"Infinity\", \"-Infinity\"");
            }
        }
        else
        {
            throw NotInRange(name, dataType, ref reader);
        }

        // A finite JSON number the datatype cannot hold would silently become an infinity: refuse it instead.
        switch (dataType)
        {
            case TensorDataType.Fp64:
                BinaryPrimitives.WriteDoubleLittleEndian(destination, value);
                break;
            case TensorDataType.Fp32:
                var single = (float)value;
                CheckFinite(single, value, name, dataType, ref reader);
                BinaryPrimitives.WriteSingleLittleEndian(destination, single);
                break;
            case TensorDataType.Fp16:
                var half = (Half)value;
                CheckFinite((float)half, value, name, dataType, ref reader);
                BinaryPrimitives.WriteHalfLittleEndian(destination, half);
                break;
            default:
                var bits = BFloat16Bits.FromSingle((float)value);
                CheckFinite(BFloat16Bits.ToSingle(bits), value, name, dataType, ref reader);
                BinaryPrimitives.WriteUInt16LittleEndian(destination, bits);
                break;
        }
    }

    private static void CheckFinite(float converted, double value, string name, TensorDataType dataType, ref Utf8JsonReader reader)
    {
        if (double.IsFinite(value) && !float.IsFinite(converted))
        {
            throw NotInRange(name, dataType, ref reader);
        }
    }

    private static ProtocolException NotInRange(string name, TensorDataType dataType, ref Utf8JsonReader reader)
    {
        var token = reader.TokenType switch
        {
            JsonTokenType.Number or JsonTokenType.String => System.Text.Encoding.UTF8.GetString(
                reader.HasValueSequence ? reader.ValueSequence.ToArray() : reader.ValueSpan.ToArray()),
            JsonTokenType.True => "true",
            JsonTokenType.False => "false",
            JsonTokenType.Null => "null",
            _ => reader.TokenType.ToString(),
        };
        if (token.Length > 40)
        {
            token = token[..40] + "...";
        }

        return ProtocolException.BadRequest($"input '{name}': {token} is not a valid {dataType.ToWireName()} value");
    }
}
