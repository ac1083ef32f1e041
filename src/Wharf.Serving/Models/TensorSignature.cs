using Wharf.Serving.Inference;

namespace Wharf.Serving.Models;

/// <summary>One input or output of a model as the protocol shows it; -1 marks a dynamic dimension.</summary>
internal sealed record TensorSignature(string Name, TensorDataType DataType, long[] Shape);
