using System.Buffers.Binary;
using Google.Protobuf;

namespace Wharf.Benchmarks.Serving;

/// <summary>
/// A float multilayer perceptron written as ONNX by hand (IR 8, opset 13): <c>input float[batch, widths[0]]</c>,
/// per layer MatMul + Add, Relu between layers, <c>output float[batch, widths[^1]]</c>, the batch dimension dynamic so
/// wharf-serve can batch it. Weights are seeded pseudo-random: the same widths always give the same bytes.
/// </summary>
internal sealed record MlpModel(string Name, int[] Widths)
{
    public const string InputName = "input";
    public const string OutputName = "output";

    /// <summary>The small model: little compute per item, so per-request overhead dominates.</summary>
    public static readonly MlpModel Small = new("small", [4, 16, 3]);

    /// <summary>
    /// A middle model: about 1.3 M multiply-adds per item, some 25 us of compute per item at the best batch on this
    /// machine: less than an HTTP request costs, so HTTP bounds what any server makes of it.
    /// </summary>
    public static readonly MlpModel Medium = new("medium", [256, 1024, 1024, 10]);

    /// <summary>
    /// The compute-heavier model: about 21 M multiply-adds per item (20 M parameters, the size of a ResNet-50), so
    /// compute, not HTTP, bounds a server's throughput and the efficiency against R(B) says what batching achieves.
    /// </summary>
    public static readonly MlpModel Heavy = new("heavy", [1024, 4096, 4096, 10]);

    public static IReadOnlyList<MlpModel> All { get; } = [Small, Medium, Heavy];

    public int InputFeatures => Widths[0];

    public int OutputFeatures => Widths[^1];

    public string Description => $"{Name} {string.Join("->", Widths)} float MLP";

    public void Write(string path)
    {
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        File.WriteAllBytes(path, Serialize());
    }

    // ModelProto: ir_version 1, producer_name 2, graph 7, opset_import 8 (OperatorSetIdProto: domain 1, version 2).
    public byte[] Serialize() => ProtobufWriter.Message(model =>
    {
        model.WriteInt64(1, 8);
        model.WriteString(2, "Wharf.Benchmarks");
        model.WriteMessage(7, WriteGraph);
        model.WriteMessage(8, opset =>
        {
            opset.WriteString(1, "");
            opset.WriteInt64(2, 13);
        });
    });

    // GraphProto: node 1, name 2, initializer 5, input 11, output 12.
    private void WriteGraph(CodedOutputStream graph)
    {
        var random = new Random(Widths.Sum());
        var current = InputName;
        var layers = Widths.Length - 1;
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

        graph.WriteString(2, Name);
        for (var layer = 0; layer < layers; layer++)
        {
            int rows = Widths[layer], columns = Widths[layer + 1];
            // Scaled so activations stay O(1) through the layers.
            var scale = (float)(1 / Math.Sqrt(rows));
            var l = layer;
            graph.WriteMessage(5, t => WriteFloatTensor(t, $"w{l}", random, scale, rows, columns));
            graph.WriteMessage(5, t => WriteFloatTensor(t, $"b{l}", random, 0.1f, columns));
        }

        graph.WriteMessage(11, value => WriteBatchValueInfo(value, InputName, InputFeatures));
        graph.WriteMessage(12, value => WriteBatchValueInfo(value, OutputName, OutputFeatures));
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

    // TensorProto: dims 1, data_type 2 (1 = FLOAT), name 8, raw_data 9 (little-endian IEEE 754).
    private static void WriteFloatTensor(CodedOutputStream tensor, string name, Random random, float scale, params int[] dims)
    {
        foreach (var dim in dims)
        {
            tensor.WriteInt64(1, dim);
        }

        tensor.WriteInt64(2, 1);
        tensor.WriteString(8, name);
        var count = dims.Aggregate(1, (a, b) => a * b);
        var raw = new byte[count * sizeof(float)];
        for (var i = 0; i < count; i++)
        {
            BinaryPrimitives.WriteSingleLittleEndian(raw.AsSpan(i * sizeof(float)), (float)(random.NextDouble() * 2 - 1) * scale);
        }

        tensor.WriteBytes(9, raw);
    }

    // ValueInfoProto: name 1, type 2. TypeProto: tensor_type 1. Tensor: elem_type 1, shape 2. Dimension: dim_value 1, dim_param 2.
    private static void WriteBatchValueInfo(CodedOutputStream value, string name, int features)
    {
        value.WriteString(1, name);
        value.WriteMessage(2, type => type.WriteMessage(1, tensorType =>
        {
            tensorType.WriteInt64(1, 1);
            tensorType.WriteMessage(2, shape =>
            {
                shape.WriteMessage(1, dim => dim.WriteString(2, "batch"));
                shape.WriteMessage(1, dim => dim.WriteInt64(1, features));
            });
        }));
    }
}
