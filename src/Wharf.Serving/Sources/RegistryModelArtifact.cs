using Wharf.Oci.Registry;
using Wharf.Serving.Models;

namespace Wharf.Serving.Sources;

/// <summary>
/// A model in a registry, such as Wharf's <c>host/project/models/iris:v3</c>: the manifest (from an index, the
/// linux/amd64 entry) and each layer fetched through <see cref="RegistryClient"/>, which verifies every byte against its
/// digest while streaming.
/// </summary>
internal sealed class RegistryModelArtifact(ModelSourceSpec spec, string? file, ModelArtifactStore store, RegistryClient client) : IModelArtifact
{
    public async Task<string> MaterializeAsync(CancellationToken cancellationToken = default)
    {
        var reference = spec.Reference!;
        string directory;
        try
        {
            var manifest = await client.GetManifestAsync(reference, cancellationToken);
            if (manifest.Manifest.IsIndex)
            {
                var entry = RegistryClient.SelectPlatform(manifest.Manifest);
                manifest = await client.GetManifestAsync(reference.WithDigest(entry.Digest), cancellationToken);
            }

            directory = await store.MaterializeAsync(
                reference.ToString(),
                manifest.Digest,
                manifest.Manifest,
                (layer, ct) => client.OpenBlobAsync(reference, layer, ct),
                cancellationToken);
        }
        catch (ModelLoadException exception)
        {
            throw new ModelLoadException($"cannot pull '{reference}': {exception.Message}", exception);
        }
        catch (Exception exception) when (exception is RegistryException or DigestMismatchException or HttpRequestException or InvalidDataException
            or IOException or InvalidOperationException or UnauthorizedAccessException)
        {
            throw new ModelLoadException($"cannot pull '{reference}': {exception.Message}", exception);
        }

        return ModelFiles.Select(directory, file, reference.ToString());
    }
}
