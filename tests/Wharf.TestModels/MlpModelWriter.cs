using System.Buffers.Binary;
using Google.Protobuf;

namespace Wharf.TestModels;

/// <summary>
/// Writes a float multilayer perceptron as an ONNX model (IR version 8, opset 13) with seeded pseudo-random weights,
/// for serving tests and benchmarks that need real compute with a dynamic batch dimension. The same arguments give
/// the same bytes.
/// </summary>
/// <remarks>
/// The graph, for widths <c>[W0, W1, ..., Wn]</c>:
/// <code>
/// input float[batch, W0] ─ MatMul w0[W0, W1] ─ Add b0[W1] ─ Relu ─ ... ─ MatMul w(n-1)[W(n-1), Wn] ─ Add b(n-1)[Wn] ─► output float[batch, Wn]
/// </code>
/// Weights are scaled by 1/sqrt(fan-in) and biases by 0.1, so activations stay of order one through the layers.
/// </remarks>
public static class MlpModelWriter
{
    /// <summary>Name of the graph's input, <c>float[batch, inputs]</c>.</summary>
    public const string InputName = "input";

    /// <summary>Name of the graph's output, <c>float[batch, outputs]</c>.</summary>
    public const string OutputName = "output";

    private const int Float = 1;

    /// <summary>Encodes a two-layer perceptron (<paramref name="inputs"/> to <paramref name="hidden"/> to <paramref name="outputs"/>).</summary>
    public static byte[] Serialize(int inputs, int hidden, int outputs, int seed) => Serialize([inputs, hidden, outputs], seed);

    /// <summary>Encodes a perceptron with a layer between each pair of consecutive <paramref name="widths"/> as an ONNX <c>ModelProto</c>.</summary>
    /// <param name="widths">The input width, each hidden width, then the output width; at least two.</param>
    /// <param name="seed">Seeds the weights.</param>
    /// <param name="graphName">The graph's <c>name</c>.</param>
    /// <param name="producerName">The model's <c>producer_name</c>.</param>
    public static byte[] Serialize(IReadOnlyList<int> widths, int seed, string graphName = "mlp", string producerName = OnnxModelWriter.ProducerName)
    {
        ArgumentNullException.ThrowIfNull(widths);
        ArgumentOutOfRangeException.ThrowIfLessThan(widths.Count, 2);

        // ModelProto: ir_version 1, producer_name 2, graph 7, opset_import 8 (OperatorSetIdProto: domain 1, version 2).
        return ProtobufFields.Message(model =>
        {
            model.WriteInt64(1, OnnxModelWriter.IrVersion);
            model.WriteString(2, producerName);
            model.WriteMessage(7, graph => WriteGraph(graph, widths, seed, graphName));
            model.WriteMessage(8, opset =>
            {
                opset.WriteString(1, "");
                opset.WriteInt64(2, OnnxModelWriter.OpsetVersion);
            });
        });
    }

    // GraphProto: node 1, name 2, initializer 5, input 11, output 12.
    private static void WriteGraph(CodedOutputStream graph, IReadOnlyList<int> widths, int seed, string name)
    {
        var random = new Random(seed);
        var current = InputName;
        var layers = widths.Count - 1;
        for (var layer = 0; layer < layers; layer++)
        {
            var last = layer == layers - 1;
            var (weights, biases) = ($"w{layer}", $"b{layer}");
            var product = $"matmul{layer}";
            var sum = last ? OutputName : $"add{layer}";
            var input = current;
            graph.WriteMessage(1, node => WriteNode(node, "MatMul", [input, weights], product));
            graph.WriteMessage(1, node => WriteNode(node, "Add", [product, biases], sum));
            current = sum;
            if (!last)
            {
                var activated = $"relu{layer}";
                graph.WriteMessage(1, node => WriteNode(node, "Relu", [sum], activated));
                current = activated;
            }
        }

        graph.WriteString(2, name);
        for (var layer = 0; layer < layers; layer++)
        {
            int rows = widths[layer], columns = widths[layer + 1];
            var scale = (float)(1 / Math.Sqrt(rows));
            var l = layer;
            graph.WriteMessage(5, tensor => WriteFloatTensor(tensor, $"w{l}", random, scale, rows, columns));
            graph.WriteMessage(5, tensor => WriteFloatTensor(tensor, $"b{l}", random, 0.1f, columns));
        }

        graph.WriteMessage(11, value => WriteBatchValueInfo(value, InputName, widths[0]));
        graph.WriteMessage(12, value => WriteBatchValueInfo(value, OutputName, widths[^1]));
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

    // TensorProto: dims 1, data_type 2, name 8, raw_data 9 (little-endian IEEE 754); values uniform in [-scale, scale).
    private static void WriteFloatTensor(CodedOutputStream tensor, string name, Random random, float scale, params int[] dims)
    {
        foreach (var dim in dims)
        {
            tensor.WriteInt64(1, dim);
        }

        tensor.WriteInt64(2, Float);
        tensor.WriteString(8, name);
        var count = dims.Aggregate(1, (a, b) => a * b);
        var raw = new byte[count * sizeof(float)];
        for (var i = 0; i < count; i++)
        {
            BinaryPrimitives.WriteSingleLittleEndian(raw.AsSpan(i * sizeof(float)), (float)((random.NextDouble() * 2) - 1) * scale);
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
