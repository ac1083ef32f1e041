namespace Wharf.Serving.Protocol;

/// <summary>An input or output in model metadata; -1 marks a dynamic dimension.</summary>
internal sealed record TensorMetadata(string Name, string Datatype, IReadOnlyList<long> Shape);
