using Wharf.Oci.Building;
using Wharf.Oci.Layout;
using Wharf.Serving.Models;

namespace Wharf.Serving.Sources;

/// <summary>
/// A model in an OCI image layout on disk (for example what <c>skopeo copy docker://... oci:dir:v3</c> wrote): the
/// index.json entry named by the ref (or the only one), each blob verified against its digest as it is read.
/// </summary>
internal sealed class OciLayoutModelArtifact(ModelSourceSpec spec, string? file, ModelArtifactStore store) : IModelArtifact
{
    public async Task<string> MaterializeAsync(CancellationToken cancellationToken = default)
    {
        string directory;
        try
        {
            var layout = await OciImageLayout.OpenAsync(spec.Path, cancellationToken);
            var descriptor = await layout.ResolveAsync(spec.LayoutRef, cancellationToken);
            var manifest = await layout.ResolveImageAsync(descriptor, cancellationToken: cancellationToken);
            directory = await store.MaterializeAsync(
                spec.Text,
                manifest.Descriptor.Digest,
                manifest.Manifest,
                (layer, ct) => layout.OpenBlobAsync(layer.Digest, layer.Size, ct),
                cancellationToken);
        }
        catch (ModelLoadException exception)
        {
            throw new ModelLoadException($"cannot load '{spec.Text}': {exception.Message}", exception);
        }
        catch (Exception exception) when (exception is OciLayoutException or NoMatchingPlatformException or InvalidDataException or IOException
            or UnauthorizedAccessException or ArgumentException)
        {
            throw new ModelLoadException($"cannot read the OCI layout '{spec.Text}': {exception.Message}", exception);
        }

        return ModelFiles.Select(directory, file, spec.Text);
    }
}
