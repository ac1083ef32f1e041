using Google.Protobuf;

namespace Wharf.TestModels;

/// <summary>
/// Writes single protobuf fields by number. A nested message is serialized to bytes first and then written as a
/// length-delimited field, which is how protobuf encodes it; fields are written in the order given, so the output
/// is deterministic.
/// </summary>
internal static class ProtobufFields
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
