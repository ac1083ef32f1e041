using Microsoft.Extensions.Options;
using Wharf.Serving.Hosting;

namespace Wharf.Serving.Models;

/// <summary>Models named one by one in <c>Serving:Models:&lt;i&gt;:Name</c> and <c>:Path</c>, each version "1".</summary>
internal sealed class ConfiguredModelSource(IOptions<ServingOptions> options) : IModelSource
{
    public Task<IReadOnlyList<ModelDefinition>> DiscoverAsync(CancellationToken cancellationToken = default)
    {
        var models = options.Value.Models
            .Select(model => new ModelDefinition(model.Name, [new ModelVersionDefinition("1", model.Path)]))
            .ToArray();
        return Task.FromResult<IReadOnlyList<ModelDefinition>>(models);
    }
}
