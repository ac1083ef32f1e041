using Google.Protobuf;

namespace Wharf.Serving.Tests.Conformance;

/// <summary>
/// A model's graph inputs (initializers excluded, as ONNX Runtime lists them) and outputs, read from model.onnx by
/// field number, so a test is classified even when ONNX Runtime cannot load the model.
/// </summary>
/// <remarks>
/// ModelProto: graph 7. GraphProto: initializer 5, input 11, output 12, sparse_initializer 15. ValueInfoProto: name 1,
/// type 2. TypeProto: tensor_type 1, sequence_type 4, map_type 5, opaque_type 7, sparse_tensor_type 8, optional_type 9.
/// TypeProto.Tensor: elem_type 1. TensorProto: name 8; SparseTensorProto: values 1 (a TensorProto).
/// </remarks>
internal sealed record OnnxModelSignature(IReadOnlyList<OnnxValueSignature> Inputs, IReadOnlyList<OnnxValueSignature> Outputs)
{
    public static OnnxModelSignature Read(string modelPath)
    {
        var model = new CodedInputStream(File.ReadAllBytes(modelPath));
        ByteString? graph = null;
        uint tag;
        while ((tag = model.ReadTag()) != 0)
        {
            if (WireFormat.GetTagFieldNumber(tag) == 7)
            {
                graph = model.ReadBytes();
            }
            else
            {
                model.SkipLastField();
            }
        }

        if (graph is null)
        {
            throw new InvalidDataException($"{modelPath}: no graph");
        }

        var inputs = new List<OnnxValueSignature>();
        var outputs = new List<OnnxValueSignature>();
        var initializers = new HashSet<string>(StringComparer.Ordinal);
        var reader = graph.CreateCodedInput();
        while ((tag = reader.ReadTag()) != 0)
        {
            switch (WireFormat.GetTagFieldNumber(tag))
            {
                case 5:
                    initializers.Add(ReadStringField(reader.ReadBytes(), 8));
                    break;
                case 15:
                    initializers.Add(ReadStringField(ReadMessageField(reader.ReadBytes(), 1), 8));
                    break;
                case 11:
                    inputs.Add(ReadValueInfo(reader.ReadBytes()));
                    break;
                case 12:
                    outputs.Add(ReadValueInfo(reader.ReadBytes()));
                    break;
                default:
                    reader.SkipLastField();
                    break;
            }
        }

        return new OnnxModelSignature([.. inputs.Where(i => !initializers.Contains(i.Name))], outputs);
    }

    /// <summary>Why the protocol cannot carry this model's inputs or outputs, or null when it can.</summary>
    public string? ProtocolProblem()
    {
        foreach (var (values, direction) in new[] { (Inputs, "input"), (Outputs, "output") })
        {
            foreach (var value in values)
            {
                if (value.ProtocolProblem() is { } problem)
                {
                    return $"{direction} {problem}";
                }
            }
        }

        return null;
    }

    private static OnnxValueSignature ReadValueInfo(ByteString bytes)
    {
        var name = "";
        var kind = "unknown";
        var elementType = 0;
        var reader = bytes.CreateCodedInput();
        uint tag;
        while ((tag = reader.ReadTag()) != 0)
        {
            switch (WireFormat.GetTagFieldNumber(tag))
            {
                case 1:
                    name = reader.ReadString();
                    break;
                case 2:
                    (kind, elementType) = ReadType(reader.ReadBytes());
                    break;
                default:
                    reader.SkipLastField();
                    break;
            }
        }

        return new OnnxValueSignature(name, kind, elementType);
    }

    private static (string Kind, int ElementType) ReadType(ByteString bytes)
    {
        var reader = bytes.CreateCodedInput();
        uint tag;
        while ((tag = reader.ReadTag()) != 0)
        {
            switch (WireFormat.GetTagFieldNumber(tag))
            {
                case 1:
                    var tensor = reader.ReadBytes().CreateCodedInput();
                    var elementType = 0;
                    uint inner;
                    while ((inner = tensor.ReadTag()) != 0)
                    {
                        if (WireFormat.GetTagFieldNumber(inner) == 1)
                        {
                            elementType = tensor.ReadInt32();
                        }
                        else
                        {
                            tensor.SkipLastField();
                        }
                    }

                    return ("tensor", elementType);
                case 4:
                    return ("sequence", 0);
                case 5:
                    return ("map", 0);
                case 7:
                    return ("opaque", 0);
                case 8:
                    return ("sparse tensor", 0);
                case 9:
                    return ("optional", 0);
                default:
                    reader.SkipLastField();
                    break;
            }
        }

        return ("untyped", 0);
    }

    private static string ReadStringField(ByteString message, int field) =>
        ReadMessageField(message, field).ToStringUtf8();

    private static ByteString ReadMessageField(ByteString message, int field)
    {
        var reader = message.CreateCodedInput();
        uint tag;
        while ((tag = reader.ReadTag()) != 0)
        {
            if (WireFormat.GetTagFieldNumber(tag) == field && WireFormat.GetTagWireType(tag) == WireFormat.WireType.LengthDelimited)
            {
                return reader.ReadBytes();
            }

            reader.SkipLastField();
        }

        return ByteString.Empty;
    }
}
