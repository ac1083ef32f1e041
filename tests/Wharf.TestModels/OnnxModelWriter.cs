using System.Buffers.Binary;
using Google.Protobuf;

namespace Wharf.TestModels;

/// <summary>
/// Writes a <see cref="LinearClassifierParameters"/> model as an ONNX file (IR version 8, opset 13), encoding the
/// ONNX protobuf messages by hand because ML.NET's ONNX exporter is not available here. The same parameters always
/// give the same bytes.
/// </summary>
/// <remarks>
/// The graph:
/// <code>
/// input float[batch, F] ─ Sub offset ─ Mul scale ─ MatMul weights[F, C] ─ Add biases[C] ─ Softmax(axis -1) ─► probabilities float[batch, C]
///                                                                                                └ ArgMax(axis 1, keepdims 0) ─► label int64[batch]
/// </code>
/// </remarks>
public static class OnnxModelWriter
{
    /// <summary>Name of the graph's input, <c>float[batch, features]</c>.</summary>
    public const string InputName = "input";

    /// <summary>Name of the output holding every class's probability, <c>float[batch, classes]</c>.</summary>
    public const string ProbabilitiesName = "probabilities";

    /// <summary>Name of the output holding the predicted class index, <c>int64[batch]</c>.</summary>
    public const string LabelName = "label";

    /// <summary>The symbolic (dynamic) name of the batch dimension of the input and outputs.</summary>
    public const string BatchDimension = "batch";

    /// <summary>The ONNX IR version written.</summary>
    public const long IrVersion = 8;

    /// <summary>The version of the default ONNX operator set imported.</summary>
    public const long OpsetVersion = 13;

    /// <summary>The model's <c>producer_name</c>.</summary>
    public const string ProducerName = "Wharf.TestModels";

    // TensorProto.DataType values.
    private const int Float = 1;
    private const int Int64 = 7;

    // AttributeProto.AttributeType.INT.
    private const int AttributeInt = 2;

    /// <summary>Writes the trained iris classifier to <paramref name="path"/> as an ONNX file.</summary>
    public static void WriteIris(IrisModel model, string path)
    {
        ArgumentNullException.ThrowIfNull(model);
        File.WriteAllBytes(path, Serialize(model.Parameters));
    }

    /// <summary>Encodes the classifier as an ONNX <c>ModelProto</c>.</summary>
    public static byte[] Serialize(LinearClassifierParameters parameters)
    {
        ArgumentNullException.ThrowIfNull(parameters);

        // ModelProto: ir_version 1, producer_name 2, producer_version 3, graph 7, opset_import 8.
        return ProtobufFields.Message(model =>
        {
            model.WriteInt64(1, IrVersion);
            model.WriteString(2, ProducerName);
            model.WriteString(3, "1");
            model.WriteMessage(7, graph => WriteGraph(graph, parameters));
            model.WriteMessage(8, opset =>
            {
                // OperatorSetIdProto: domain 1 (empty = the default ONNX domain), version 2.
                opset.WriteString(1, "");
                opset.WriteInt64(2, OpsetVersion);
            });
        });
    }

    // GraphProto: node 1, name 2, initializer 5, input 11, output 12.
    private static void WriteGraph(CodedOutputStream graph, LinearClassifierParameters parameters)
    {
        int features = parameters.FeatureCount, classes = parameters.ClassCount;

        graph.WriteMessage(1, node => WriteNode(node, "Sub", [InputName, "offset"], "centered"));
        graph.WriteMessage(1, node => WriteNode(node, "Mul", ["centered", "scale"], "normalized"));
        graph.WriteMessage(1, node => WriteNode(node, "MatMul", ["normalized", "weights"], "weighted"));
        graph.WriteMessage(1, node => WriteNode(node, "Add", ["weighted", "biases"], "logits"));
        graph.WriteMessage(1, node => WriteNode(node, "Softmax", ["logits"], ProbabilitiesName, ("axis", -1)));
        graph.WriteMessage(1, node => WriteNode(node, "ArgMax", [ProbabilitiesName], LabelName, ("axis", 1), ("keepdims", 0)));
        graph.WriteString(2, "linear_classifier");
        graph.WriteMessage(5, tensor => WriteFloatTensor(tensor, "offset", parameters.Offset, features));
        graph.WriteMessage(5, tensor => WriteFloatTensor(tensor, "scale", parameters.Scale, features));
        graph.WriteMessage(5, tensor => WriteFloatTensor(tensor, "weights", parameters.Weights, features, classes));
        graph.WriteMessage(5, tensor => WriteFloatTensor(tensor, "biases", parameters.Biases, classes));
        graph.WriteMessage(11, value => WriteBatchValueInfo(value, InputName, Float, features));
        graph.WriteMessage(12, value => WriteBatchValueInfo(value, ProbabilitiesName, Float, classes));
        graph.WriteMessage(12, value => WriteBatchValueInfo(value, LabelName, Int64));
    }

    // NodeProto: input 1, output 2, name 3, op_type 4, attribute 5.
    // AttributeProto: name 1, i 3, type 20.
    private static void WriteNode(
        CodedOutputStream node, string opType, string[] inputs, string output, params (string Name, long Value)[] attributes)
    {
        foreach (var input in inputs)
        {
            node.WriteString(1, input);
        }

        node.WriteString(2, output);
        node.WriteString(3, output);
        node.WriteString(4, opType);
        foreach (var (name, value) in attributes)
        {
            node.WriteMessage(5, attribute =>
            {
                attribute.WriteString(1, name);
                attribute.WriteInt64(3, value);
                attribute.WriteInt64(20, AttributeInt);
            });
        }
    }

    // TensorProto: dims 1 (repeated, unpacked here, which parsers must accept), data_type 2, name 8, raw_data 9
    // (fixed-width little-endian IEEE 754).
    private static void WriteFloatTensor(CodedOutputStream tensor, string name, IReadOnlyList<float> values, params int[] dims)
    {
        foreach (var dim in dims)
        {
            tensor.WriteInt64(1, dim);
        }

        tensor.WriteInt64(2, Float);
        tensor.WriteString(8, name);
        var raw = new byte[values.Count * sizeof(float)];
        for (var i = 0; i < values.Count; i++)
        {
            BinaryPrimitives.WriteSingleLittleEndian(raw.AsSpan(i * sizeof(float)), values[i]);
        }

        tensor.WriteBytes(9, raw);
    }

    // ValueInfoProto: name 1, type 2. TypeProto: tensor_type 1. TypeProto.Tensor: elem_type 1, shape 2.
    // TensorShapeProto: dim 1. Dimension: dim_value 1, dim_param 2. The first dimension is the dynamic batch.
    private static void WriteBatchValueInfo(CodedOutputStream value, string name, int elementType, params int[] fixedDims)
    {
        value.WriteString(1, name);
        value.WriteMessage(2, type => type.WriteMessage(1, tensorType =>
        {
            tensorType.WriteInt64(1, elementType);
            tensorType.WriteMessage(2, shape =>
            {
                shape.WriteMessage(1, dim => dim.WriteString(2, BatchDimension));
                foreach (var fixedDim in fixedDims)
                {
                    shape.WriteMessage(1, dim => dim.WriteInt64(1, fixedDim));
                }
            });
        }));
    }
}
