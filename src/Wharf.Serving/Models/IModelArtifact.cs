namespace Wharf.Serving.Models;

/// <summary>
/// A model version whose files are not local yet (an OCI layout, a registry reference). Materialising runs when the
/// version loads, not at discovery, so a registry that is down or content that fails verification makes that version
/// UNAVAILABLE with the reason instead of stopping the server, and a later explicit load tries again.
/// </summary>
internal interface IModelArtifact
{
    /// <summary>Puts the model's files in a local directory and returns the ONNX file to load.</summary>
    /// <exception cref="ModelLoadException">The files cannot be fetched, verified or extracted; the message says why.</exception>
    Task<string> MaterializeAsync(CancellationToken cancellationToken = default);
}
