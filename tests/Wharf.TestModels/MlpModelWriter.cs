using System.Buffers.Binary;
using Google.Protobuf;

namespace Wharf.TestModels;

/// <summary>
/// Writes a small two-layer perceptron as an ONNX model (IR version 8, opset 13) with seeded random weights, for
/// serving tests that need real compute with a dynamic batch dimension. The same arguments give the same bytes.
/// </summary>
/// <remarks>
/// The graph:
/// <code>
/// input float[batch, I] ─ MatMul w1[I, H] ─ Add b1[H] ─ Relu ─ MatMul w2[H, O] ─► output float[batch, O]
/// </code>
/// </remarks>
public static class MlpModelWriter
{
    /// <summary>Name of the graph's input, <c>float[batch, inputs]</c>.</summary>
    public const string InputName = "input";

    /// <summary>Name of the graph's output, <c>float[batch, outputs]</c>.</summary>
    public const string OutputName = "output";

    private const int Float = 1;

    /// <summary>Encodes the perceptron as an ONNX <c>ModelProto</c>.</summary>
    public static byte[] Serialize(int inputs, int hidden, int outputs, int seed)
    {
        var random = new Random(seed);
        float[] Weights(int count) => [.. Enumerable.Range(0, count).Select(_ => (float)((random.NextDouble() * 2) - 1))];
        var w1 = Weights(inputs * hidden);
        var b1 = Weights(hidden);
        var w2 = Weights(hidden * outputs);

        // ModelProto: ir_version 1, producer_name 2, graph 7, opset_import 8 (OperatorSetIdProto: domain 1, version 2).
        return ProtobufFields.Message(model =>
        {
            model.WriteInt64(1, OnnxModelWriter.IrVersion);
            model.WriteString(2, OnnxModelWriter.ProducerName);
            model.WriteMessage(7, graph =>
            {
                // GraphProto: node 1, name 2, initializer 5, input 11, output 12.
                graph.WriteMessage(1, node => WriteNode(node, "MatMul", [InputName, "w1"], "h1"));
                graph.WriteMessage(1, node => WriteNode(node, "Add", ["h1", "b1"], "h2"));
                graph.WriteMessage(1, node => WriteNode(node, "Relu", ["h2"], "h3"));
                graph.WriteMessage(1, node => WriteNode(node, "MatMul", ["h3", "w2"], OutputName));
                graph.WriteString(2, "mlp");
                graph.WriteMessage(5, tensor => WriteFloatTensor(tensor, "w1", w1, inputs, hidden));
                graph.WriteMessage(5, tensor => WriteFloatTensor(tensor, "b1", b1, hidden));
                graph.WriteMessage(5, tensor => WriteFloatTensor(tensor, "w2", w2, hidden, outputs));
                graph.WriteMessage(11, value => WriteBatchValueInfo(value, InputName, inputs));
                graph.WriteMessage(12, value => WriteBatchValueInfo(value, OutputName, outputs));
            });
            model.WriteMessage(8, opset =>
            {
                opset.WriteString(1, "");
                opset.WriteInt64(2, OnnxModelWriter.OpsetVersion);
            });
        });
    }

    // NodeProto: input 1, output 2, name 3, op_type 4.
    private static void WriteNode(CodedOutputStream node, string opType, string[] inputs, string output)
    {
        foreach (var input in inputs)
        {
            node.WriteString(1, input);
        }

        node.WriteString(2, output);
        node.WriteString(3, output);
        node.WriteString(4, opType);
    }

    // TensorProto: dims 1, data_type 2, name 8, raw_data 9.
    private static void WriteFloatTensor(CodedOutputStream tensor, string name, float[] values, params int[] dims)
    {
        foreach (var dim in dims)
        {
            tensor.WriteInt64(1, dim);
        }

        tensor.WriteInt64(2, Float);
        tensor.WriteString(8, name);
        var raw = new byte[values.Length * sizeof(float)];
        for (var i = 0; i < values.Length; i++)
        {
            BinaryPrimitives.WriteSingleLittleEndian(raw.AsSpan(i * sizeof(float)), values[i]);
        }

        tensor.WriteBytes(9, raw);
    }

    // ValueInfoProto: name 1, type 2 (TypeProto.tensor_type 1: elem_type 1, shape 2; Dimension: dim_value 1, dim_param 2).
    private static void WriteBatchValueInfo(CodedOutputStream value, string name, int width)
    {
        value.WriteString(1, name);
        value.WriteMessage(2, type => type.WriteMessage(1, tensorType =>
        {
            tensorType.WriteInt64(1, Float);
            tensorType.WriteMessage(2, shape =>
            {
                shape.WriteMessage(1, dim => dim.WriteString(2, OnnxModelWriter.BatchDimension));
                shape.WriteMessage(1, dim => dim.WriteInt64(1, width));
            });
        }));
    }
}
