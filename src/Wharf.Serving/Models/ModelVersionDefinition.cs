namespace Wharf.Serving.Models;

/// <summary>One version of a model: its name in the protocol ("1", "2", ...) and the ONNX file that holds it.</summary>
internal sealed record ModelVersionDefinition(string Version, string Path);
