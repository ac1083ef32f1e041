using Wharf.Serving.Inference;

namespace Wharf.Serving.Tests.Conformance;

/// <summary>One test_data_set_N: the input and expected output TensorProto files, in K order.</summary>
internal sealed record OnnxTestDataSet(string DirectoryPath, IReadOnlyList<string> InputPaths, IReadOnlyList<string> OutputPaths)
{
    public IReadOnlyList<InferenceTensor> ReadInputs() => [.. InputPaths.Select(OnnxTensorProtoReader.Read)];

    public IReadOnlyList<InferenceTensor> ReadOutputs() => [.. OutputPaths.Select(OnnxTensorProtoReader.Read)];
}
