using System.Globalization;
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
        var versions = new List<(string Name, ModelVersionDefinition Version)>();
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
            versions.Add((name, new ModelVersionDefinition(spec.Version, spec.Text) { Artifact = artifact }));
        }

        // Sources with the same name are versions of one model (iris:v1 and iris:v2 serve as versions 1 and 2, the
        // highest answering requests that name no version); the same version twice: the later source wins.
        var models = versions
            .GroupBy(v => v.Name, StringComparer.Ordinal)
            .Select(group => new ModelDefinition(group.Key, group
                .GroupBy(v => v.Version.Version, StringComparer.Ordinal)
                .Select(same => same.Last().Version)
                .OrderBy(v => long.Parse(v.Version, CultureInfo.InvariantCulture))
                .ToArray()))
            .ToArray();
        return Task.FromResult<IReadOnlyList<ModelDefinition>>(models);
    }
}
