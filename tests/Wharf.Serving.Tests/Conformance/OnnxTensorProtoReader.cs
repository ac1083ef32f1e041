using System.Buffers.Binary;
using Google.Protobuf;
using Wharf.Serving.Inference;

namespace Wharf.Serving.Tests.Conformance;

/// <summary>
/// Reads a serialized <c>onnx.TensorProto</c> (the test package's input_K.pb / output_K.pb) into the protocol's raw
/// layout, by field number, without generated code.
/// </summary>
/// <remarks>
/// TensorProto (onnx.proto): dims 1, data_type 2, segment 3, float_data 4, int32_data 5, string_data 6, int64_data 7,
/// name 8, raw_data 9, double_data 10, uint64_data 11, doc_string 12, external_data 13, data_location 14. Repeated
/// numbers may come packed or not; readers must accept both. Without raw_data the typed fields hold the values:
/// float_data for FLOAT, double_data for DOUBLE, int64_data for INT64, uint64_data for UINT32/UINT64, string_data for
/// STRING, and int32_data for everything else narrower than 32 bits, FLOAT16 and BFLOAT16 as their 16-bit patterns.
/// raw_data is fixed-width little-endian, BOOL one byte each, which is already the protocol's layout.
/// </remarks>
internal static class OnnxTensorProtoReader
{
    public static InferenceTensor Read(string path) => Read(File.ReadAllBytes(path));

    public static InferenceTensor Read(byte[] bytes)
    {
        var dims = new List<long>();
        var dataType = 0;
        var name = "";
        byte[]? raw = null;
        var floats = new List<float>();
        var doubles = new List<double>();
        var int32s = new List<int>();
        var int64s = new List<long>();
        var uint64s = new List<ulong>();
        var strings = new List<byte[]>();

        var input = new CodedInputStream(bytes);
        uint tag;
        while ((tag = input.ReadTag()) != 0)
        {
            var packed = WireFormat.GetTagWireType(tag) == WireFormat.WireType.LengthDelimited;
            switch (WireFormat.GetTagFieldNumber(tag))
            {
                case 1:
                    ReadVarints(input, packed, dims, i => i.ReadInt64());
                    break;
                case 2:
                    dataType = input.ReadInt32();
                    break;
                case 3:
                    throw new UnsupportedByProtocolException("segmented TensorProto (field 3) is not read by this harness");
                case 4:
                    ReadFixed(input, packed, floats, 4, i => i.ReadFloat(), s => BinaryPrimitives.ReadSingleLittleEndian(s));
                    break;
                case 5:
                    ReadVarints(input, packed, int32s, i => i.ReadInt32());
                    break;
                case 6:
                    strings.Add(input.ReadBytes().ToByteArray());
                    break;
                case 7:
                    ReadVarints(input, packed, int64s, i => i.ReadInt64());
                    break;
                case 8:
                    name = input.ReadString();
                    break;
                case 9:
                    raw = input.ReadBytes().ToByteArray();
                    break;
                case 10:
                    ReadFixed(input, packed, doubles, 8, i => i.ReadDouble(), s => BinaryPrimitives.ReadDoubleLittleEndian(s));
                    break;
                case 11:
                    ReadVarints(input, packed, uint64s, i => i.ReadUInt64());
                    break;
                case 14:
                    if (input.ReadInt32() != 0)
                    {
                        throw new UnsupportedByProtocolException("TensorProto with external data (data_location EXTERNAL)");
                    }

                    break;
                default:
                    input.SkipLastField();
                    break;
            }
        }

        var protocolType = OnnxElementTypes.ToProtocol(dataType);
        var tensor = new InferenceTensor(name, protocolType, [.. dims], ReadOnlyMemory<byte>.Empty);
        var count = checked((int)tensor.ElementCount);
        byte[] data;
        if (protocolType == TensorDataType.Bytes)
        {
            if (raw is not null)
            {
                throw new InvalidDataException("a STRING TensorProto cannot use raw_data");
            }

            data = RawLayout.EncodeBytesElements(strings);
            ExpectCount(strings.Count, count, name);
        }
        else if (raw is not null)
        {
            data = raw;
            ExpectCount(raw.Length, count * protocolType.ElementSize(), name);
        }
        else
        {
            data = FromTypedFields(dataType, count, name, floats, doubles, int32s, int64s, uint64s);
        }

        return tensor with { Data = data };
    }

    private static byte[] FromTypedFields(
        int dataType, int count, string name, List<float> floats, List<double> doubles, List<int> int32s, List<long> int64s, List<ulong> uint64s)
    {
        var size = OnnxElementTypes.ToProtocol(dataType).ElementSize();
        var data = new byte[count * size];
        var span = data.AsSpan();
        switch (dataType)
        {
            case OnnxElementTypes.Float:
                ExpectCount(floats.Count, count, name);
                for (var i = 0; i < count; i++)
                {
                    BinaryPrimitives.WriteSingleLittleEndian(span[(i * 4)..], floats[i]);
                }

                break;
            case OnnxElementTypes.Double:
                ExpectCount(doubles.Count, count, name);
                for (var i = 0; i < count; i++)
                {
                    BinaryPrimitives.WriteDoubleLittleEndian(span[(i * 8)..], doubles[i]);
                }

                break;
            case OnnxElementTypes.Int64:
                ExpectCount(int64s.Count, count, name);
                for (var i = 0; i < count; i++)
                {
                    BinaryPrimitives.WriteInt64LittleEndian(span[(i * 8)..], int64s[i]);
                }

                break;
            case OnnxElementTypes.Uint32 or OnnxElementTypes.Uint64:
                ExpectCount(uint64s.Count, count, name);
                for (var i = 0; i < count; i++)
                {
                    WriteLowBytes(span.Slice(i * size, size), uint64s[i]);
                }

                break;
            default:
                // int32_data: INT32, INT16, INT8, UINT16, UINT8, BOOL, FLOAT16 and BFLOAT16 (their bit patterns).
                ExpectCount(int32s.Count, count, name);
                for (var i = 0; i < count; i++)
                {
                    WriteLowBytes(span.Slice(i * size, size), unchecked((ulong)int32s[i]));
                }

                break;
        }

        return data;
    }

    private static void WriteLowBytes(Span<byte> destination, ulong value)
    {
        for (var b = 0; b < destination.Length; b++)
        {
            destination[b] = (byte)(value >> (8 * b));
        }
    }

    private static void ExpectCount(int actual, int expected, string name)
    {
        if (actual != expected)
        {
            throw new InvalidDataException($"TensorProto '{name}': {actual} values (or bytes) where the shape needs {expected}");
        }
    }

    private static void ReadVarints<T>(CodedInputStream input, bool packed, List<T> values, Func<CodedInputStream, T> read)
    {
        if (!packed)
        {
            values.Add(read(input));
            return;
        }

        var inner = new CodedInputStream(input.ReadBytes().ToByteArray());
        while (!inner.IsAtEnd)
        {
            values.Add(read(inner));
        }
    }

    private static void ReadFixed<T>(
        CodedInputStream input, bool packed, List<T> values, int size, Func<CodedInputStream, T> read, Func<ReadOnlySpan<byte>, T> decode)
    {
        if (!packed)
        {
            values.Add(read(input));
            return;
        }

        var bytes = input.ReadBytes().Span;
        for (var offset = 0; offset + size <= bytes.Length; offset += size)
        {
            values.Add(decode(bytes[offset..]));
        }
    }
}
