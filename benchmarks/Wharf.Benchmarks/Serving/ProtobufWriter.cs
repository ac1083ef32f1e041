using Google.Protobuf;

namespace Wharf.Benchmarks.Serving;

/// <summary>
/// Writes protobuf fields by number (as tests/Wharf.TestModels does for the iris model): a nested message is
/// serialized first, then written as a length-delimited field.
/// </summary>
internal static class ProtobufWriter
{
    public static byte[] Message(Action<CodedOutputStream> writeFields)
    {
        using var buffer = new MemoryStream();
        using (var output = new CodedOutputStream(buffer, leaveOpen: true))
        {
            writeFields(output);
        }

        return buffer.ToArray();
    }

    public static void WriteInt64(this CodedOutputStream output, int field, long value)
    {
        output.WriteTag(field, WireFormat.WireType.Varint);
        output.WriteInt64(value);
    }

    public static void WriteString(this CodedOutputStream output, int field, string value)
    {
        output.WriteTag(field, WireFormat.WireType.LengthDelimited);
        output.WriteString(value);
    }

    public static void WriteBytes(this CodedOutputStream output, int field, byte[] value)
    {
        output.WriteTag(field, WireFormat.WireType.LengthDelimited);
        output.WriteBytes(ByteString.CopyFrom(value));
    }

    public static void WriteMessage(this CodedOutputStream output, int field, Action<CodedOutputStream> writeFields) =>
        output.WriteBytes(field, Message(writeFields));
}
