using System.Buffers.Binary;
using Google.Protobuf;
using Wharf.Serving.Inference;

namespace Wharf.Serving.Tests.Conformance;

public sealed class OnnxTensorProtoReaderTests
{
    [Fact]
    public void Read_PackedAndUnpackedFloatData_SameRawLayout()
    {
        var packed = Tensor(t =>
        {
            WriteDims(t, 2);
            t.WriteTag(2, WireFormat.WireType.Varint);
            t.WriteInt32(OnnxElementTypes.Float);
            t.WriteTag(4, WireFormat.WireType.LengthDelimited);
            t.WriteLength(8);
            t.WriteFloat(1.5f);
            t.WriteFloat(-2f);
        });
        var unpacked = Tensor(t =>
        {
            WriteDims(t, 2);
            t.WriteTag(2, WireFormat.WireType.Varint);
            t.WriteInt32(OnnxElementTypes.Float);
            t.WriteTag(4, WireFormat.WireType.Fixed32);
            t.WriteFloat(1.5f);
            t.WriteTag(4, WireFormat.WireType.Fixed32);
            t.WriteFloat(-2f);
        });

        var a = OnnxTensorProtoReader.Read(packed);
        var b = OnnxTensorProtoReader.Read(unpacked);

        Assert.Equal(TensorDataType.Fp32, a.DataType);
        Assert.Equal([2L], a.Shape);
        Assert.Equal(new byte[] { 0, 0, 0xC0, 0x3F, 0, 0, 0, 0xC0 }, a.Data.ToArray());
        Assert.Equal(a.Data.ToArray(), b.Data.ToArray());
    }

    [Fact]
    public void Read_Float16InInt32Data_TwoLittleEndianBytesPerElement()
    {
        var bits = BitConverter.HalfToUInt16Bits((Half)0.5f);
        var bytes = Tensor(t =>
        {
            WriteDims(t, 1, 1);
            t.WriteTag(2, WireFormat.WireType.Varint);
            t.WriteInt32(OnnxElementTypes.Float16);
            t.WriteTag(5, WireFormat.WireType.LengthDelimited);
            t.WriteLength(CodedOutputStream.ComputeInt32Size(bits));
            t.WriteInt32(bits);
        });

        var tensor = OnnxTensorProtoReader.Read(bytes);

        Assert.Equal(TensorDataType.Fp16, tensor.DataType);
        Assert.Equal((Half)0.5f, BinaryPrimitives.ReadHalfLittleEndian(tensor.Data.Span));
    }

    [Fact]
    public void Read_StringData_LengthPrefixedElements()
    {
        var bytes = Tensor(t =>
        {
            WriteDims(t, 2);
            t.WriteTag(2, WireFormat.WireType.Varint);
            t.WriteInt32(OnnxElementTypes.String);
            t.WriteTag(6, WireFormat.WireType.LengthDelimited);
            t.WriteBytes(ByteString.CopyFromUtf8("ab"));
            t.WriteTag(6, WireFormat.WireType.LengthDelimited);
            t.WriteBytes(ByteString.Empty);
        });

        var tensor = OnnxTensorProtoReader.Read(bytes);

        Assert.Equal(TensorDataType.Bytes, tensor.DataType);
        Assert.Equal(new byte[] { 2, 0, 0, 0, (byte)'a', (byte)'b', 0, 0, 0, 0 }, tensor.Data.ToArray());
    }

    [Fact]
    public void Read_Complex64_ThrowsUnsupportedByProtocol()
    {
        var bytes = Tensor(t =>
        {
            WriteDims(t, 1);
            t.WriteTag(2, WireFormat.WireType.Varint);
            t.WriteInt32(14);
            t.WriteTag(9, WireFormat.WireType.LengthDelimited);
            t.WriteBytes(ByteString.CopyFrom(new byte[8]));
        });

        var error = Assert.Throws<UnsupportedByProtocolException>(() => OnnxTensorProtoReader.Read(bytes));
        Assert.Contains("COMPLEX64", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Read_RawDataShorterThanShape_Throws()
    {
        var bytes = Tensor(t =>
        {
            WriteDims(t, 3);
            t.WriteTag(2, WireFormat.WireType.Varint);
            t.WriteInt32(OnnxElementTypes.Int32);
            t.WriteTag(9, WireFormat.WireType.LengthDelimited);
            t.WriteBytes(ByteString.CopyFrom(new byte[8]));
        });

        Assert.Throws<InvalidDataException>(() => OnnxTensorProtoReader.Read(bytes));
    }

    private static void WriteDims(CodedOutputStream tensor, params long[] dims)
    {
        foreach (var dim in dims)
        {
            tensor.WriteTag(1, WireFormat.WireType.Varint);
            tensor.WriteInt64(dim);
        }
    }

    private static byte[] Tensor(Action<CodedOutputStream> write)
    {
        using var buffer = new MemoryStream();
        using (var output = new CodedOutputStream(buffer, leaveOpen: true))
        {
            write(output);
        }

        return buffer.ToArray();
    }
}
