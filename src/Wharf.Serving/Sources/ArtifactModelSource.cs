using Microsoft.Extensions.Options;
using Wharf.Serving.Hosting;
using Wharf.Serving.Models;

namespace Wharf.Serving.Sources;

/// <summary>
/// Models named by <c>Serving:Models:&lt;i&gt;:Source</c> (<c>wharf-serve --model</c>): a local file or directory, an OCI
/// layout or a registry reference. Discovery only names them (name, version from a <c>vN</c> tag); the pull, the
/// verification and the extraction happen when the version loads (<see cref="IModelArtifact"/>), so a failure there
/// makes that one model UNAVAILABLE with its reason and the server keeps serving the others.
/// </summary>
internal sealed class ArtifactModelSource(IOptions<ServingOptions> options, ModelArtifactStore store, ServingRegistryClient registry) : IModelSource
{
    public Task<IReadOnlyList<ModelDefinition>> DiscoverAsync(CancellationToken cancellationToken = default)
    {
        var models = new List<ModelDefinition>();
        foreach (var model in options.Value.Models.Where(m => !string.IsNullOrEmpty(m.Source)))
        {
            // Validated at start-up; a local path that has vanished since is reported by its load.
            if (!ModelSourceSpec.TryParse(model.Source, out var spec, out _))
            {
                spec = new ModelSourceSpec(ModelSourceKind.Local, model.Source!, model.Source!, null, null);
            }

            IModelArtifact artifact = spec.Kind switch
            {
                ModelSourceKind.OciLayout => new OciLayoutModelArtifact(spec, model.File, store),
                ModelSourceKind.Registry => new RegistryModelArtifact(spec, model.File, store, registry.Client),
                _ => new LocalModelArtifact(spec.Path, model.File),
            };
            var name = string.IsNullOrWhiteSpace(model.Name) ? spec.DefaultName : model.Name;
            models.Add(new ModelDefinition(name, [new ModelVersionDefinition(spec.Version, spec.Text) { Artifact = artifact }]));
        }

        return Task.FromResult<IReadOnlyList<ModelDefinition>>(models);
    }
}
