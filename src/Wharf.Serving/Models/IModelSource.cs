namespace Wharf.Serving.Models;

/// <summary>
/// Where models come from. A source turns its configuration into local ONNX files: a directory source just lists
/// them; an OCI layout or registry source (later) pulls and verifies the layers into a local directory first.
/// Discovery runs at start-up and again on every explicit load, so a model added later can be loaded by name.
/// </summary>
internal interface IModelSource
{
    Task<IReadOnlyList<ModelDefinition>> DiscoverAsync(CancellationToken cancellationToken = default);
}
