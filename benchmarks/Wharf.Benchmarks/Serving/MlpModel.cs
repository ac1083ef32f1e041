using Wharf.TestModels;

namespace Wharf.Benchmarks.Serving;

/// <summary>
/// A float multilayer perceptron written as ONNX by <see cref="MlpModelWriter"/> (IR 8, opset 13):
/// <c>input float[batch, widths[0]]</c>, per layer MatMul + Add, Relu between layers, <c>output float[batch, widths[^1]]</c>,
/// the batch dimension dynamic so wharf-serve can batch it. Weights are seeded pseudo-random: the same widths always
/// give the same bytes.
/// </summary>
internal sealed record MlpModel(string Name, int[] Widths)
{
    public const string InputName = MlpModelWriter.InputName;
    public const string OutputName = MlpModelWriter.OutputName;

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

    // Seeded by the widths and named by the model, as the benchmark's own writer did, so the files keep their bytes.
    public byte[] Serialize() => MlpModelWriter.Serialize(Widths, seed: Widths.Sum(), graphName: Name, producerName: "Wharf.Benchmarks");
}
