using Google.Protobuf;

namespace Wharf.Serving.Tests.Infrastructure;

/// <summary>
/// Small ONNX graphs for the server's tests, encoded by hand like Wharf.TestModels' OnnxModelWriter (IR 8, opset 13):
/// an Identity per element type (to round-trip every datatype) and a fixed-shape Identity without a batch dimension.
/// A null dimension is symbolic ("batch").
/// </summary>
internal static class TestOnnxModels
{
    // TensorProto.DataType values.
    public const int Float = 1, Uint8 = 2, Int8 = 3, Uint16 = 4, Int16 = 5, Int32 = 6, Int64 = 7, String = 8, Bool = 9,
        Float16 = 10, Double = 11, Uint32 = 12, Uint64 = 13, BFloat16 = 16;

    public static void WriteIdentity(string path, int elementType, params long?[] shape)
    {
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        File.WriteAllBytes(path, Identity(elementType, shape));
    }

    public static byte[] Identity(int elementType, params long?[] shape) =>
        SingleNode("Identity", [("x", elementType, shape)], ("y", elementType, shape));

    /// <summary>One node of <paramref name="opType"/> from the given inputs to output "y".</summary>
    public static void WriteSingleNode(
        string path, string opType, (string Name, int ElementType, long?[] Shape)[] inputs, (string Name, int ElementType, long?[] Shape) output)
    {
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        File.WriteAllBytes(path, SingleNode(opType, inputs, output));
    }

    private static byte[] SingleNode(
        string opType, (string Name, int ElementType, long?[] Shape)[] inputs, (string Name, int ElementType, long?[] Shape) output) => Message(model =>
    {
        WriteInt64(model, 1, 8);
        WriteString(model, 2, "Wharf.Serving.Tests");
        WriteMessage(model, 7, graph =>
        {
            WriteMessage(graph, 1, node =>
            {
                foreach (var input in inputs)
                {
                    WriteString(node, 1, input.Name);
                }

                WriteString(node, 2, output.Name);
                WriteString(node, 3, "node");
                WriteString(node, 4, opType);
            });
            WriteString(graph, 2, opType.ToLowerInvariant());
            foreach (var input in inputs)
            {
                WriteMessage(graph, 11, value => WriteValueInfo(value, input.Name, input.ElementType, input.Shape));
            }

            WriteMessage(graph, 12, value => WriteValueInfo(value, output.Name, output.ElementType, output.Shape));
        });
        WriteMessage(model, 8, opset =>
        {
            WriteString(opset, 1, "");
            WriteInt64(opset, 2, 13);
        });
    });

    private static void WriteValueInfo(CodedOutputStream value, string name, int elementType, long?[] shape)
    {
        WriteString(value, 1, name);
        WriteMessage(value, 2, type => WriteMessage(type, 1, tensorType =>
        {
            WriteInt64(tensorType, 1, elementType);
            WriteMessage(tensorType, 2, shapeProto =>
            {
                foreach (var dimension in shape)
                {
                    WriteMessage(shapeProto, 1, dim =>
                    {
                        if (dimension is long fixedDimension)
                        {
                            WriteInt64(dim, 1, fixedDimension);
                        }
                        else
                        {
                            WriteString(dim, 2, "n");
                        }
                    });
                }
            });
        }));
    }

    private static byte[] Message(Action<CodedOutputStream> writeFields)
    {
        using var buffer = new MemoryStream();
        using (var output = new CodedOutputStream(buffer, leaveOpen: true))
        {
            writeFields(output);
        }

        return buffer.ToArray();
    }

    private static void WriteInt64(CodedOutputStream output, int field, long value)
    {
        output.WriteTag(field, WireFormat.WireType.Varint);
        output.WriteInt64(value);
    }

    private static void WriteString(CodedOutputStream output, int field, string value)
    {
        output.WriteTag(field, WireFormat.WireType.LengthDelimited);
        output.WriteString(value);
    }

    private static void WriteMessage(CodedOutputStream output, int field, Action<CodedOutputStream> writeFields)
    {
        output.WriteTag(field, WireFormat.WireType.LengthDelimited);
        output.WriteBytes(ByteString.CopyFrom(Message(writeFields)));
    }
}
