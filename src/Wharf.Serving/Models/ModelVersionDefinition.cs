namespace Wharf.Serving.Models;

/// <summary>
/// One version of a model: its name in the protocol ("1", "2", ...) and the ONNX file that holds it. A version from an
/// OCI layout or a registry has an <see cref="Artifact"/> that produces the file when it loads; <see cref="Path"/> then
/// only describes where it comes from.
/// </summary>
internal sealed record ModelVersionDefinition(string Version, string Path)
{
    /// <summary>Fetches (and verifies) the model's files when the version loads; null for a local file.</summary>
    public IModelArtifact? Artifact { get; init; }
}
