using Wharf.Serving.Inference;

namespace Wharf.Serving.Protocol;

/// <summary>An infer request checked against the model's signature, its tensors in the raw layout.</summary>
internal sealed record ParsedInferRequest(
    string? Id, IReadOnlyList<InferenceTensor> Inputs, IReadOnlyList<RequestedOutput> Outputs, TimeSpan? Timeout)
{
    public bool AnyBinaryOutput => Outputs.Any(output => output.Binary);

    public IReadOnlyList<string> OutputNames => Outputs.Select(output => output.Name).ToArray();
}
