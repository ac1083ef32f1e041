namespace Wharf.Serving.Tests.Conformance;

/// <summary>One graph input or output: its name, its kind (tensor, sequence, map, ...) and for tensors the element type.</summary>
internal sealed record OnnxValueSignature(string Name, string Kind, int ElementType)
{
    /// <summary>Why the protocol cannot carry this value, or null when it can.</summary>
    public string? ProtocolProblem() => Kind switch
    {
        // An output without a declared element type is tried: the runtime's actual type decides.
        "tensor" when ElementType == 0 || OnnxElementTypes.TryToProtocol(ElementType, out _) => null,
        "tensor" => $"{OnnxElementTypes.Name(ElementType)} tensor",
        "untyped" => null,
        _ => $"{Kind} value",
    };
}
