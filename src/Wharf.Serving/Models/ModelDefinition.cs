namespace Wharf.Serving.Models;

/// <summary>A model a source offers: its name and its versions, each a local ONNX file.</summary>
internal sealed record ModelDefinition(string Name, IReadOnlyList<ModelVersionDefinition> Versions);
