using System.Globalization;
using Microsoft.Extensions.Options;
using Wharf.Serving.Hosting;

namespace Wharf.Serving.Models;

/// <summary>
/// The model repository directory (<c>Serving:ModelRepository</c>):
/// <code>
/// repository/
///   iris/model.onnx            one version, "1"
///   mlp/1/model.onnx           every numeric directory is a version; the highest is the default
///   mlp/3/model.onnx
/// </code>
/// Other files and directories are ignored, so a repository can carry READMEs or configs for other servers.
/// </summary>
internal sealed class DirectoryModelSource(IOptions<ServingOptions> options) : IModelSource
{
    public const string ModelFileName = "model.onnx";

    public Task<IReadOnlyList<ModelDefinition>> DiscoverAsync(CancellationToken cancellationToken = default)
    {
        var root = options.Value.ModelRepository;
        if (string.IsNullOrEmpty(root))
        {
            return Task.FromResult<IReadOnlyList<ModelDefinition>>([]);
        }

        if (!Directory.Exists(root))
        {
            throw new DirectoryNotFoundException($"Serving:ModelRepository '{root}' is not a directory.");
        }

        var models = new List<ModelDefinition>();
        foreach (var modelDirectory in Directory.EnumerateDirectories(root).Order(StringComparer.Ordinal))
        {
            cancellationToken.ThrowIfCancellationRequested();
            var name = Path.GetFileName(modelDirectory);
            var versions = new List<(long Number, ModelVersionDefinition Definition)>();
            foreach (var versionDirectory in Directory.EnumerateDirectories(modelDirectory))
            {
                var versionName = Path.GetFileName(versionDirectory);
                var file = Path.Combine(versionDirectory, ModelFileName);
                if (long.TryParse(versionName, NumberStyles.None, CultureInfo.InvariantCulture, out var number) && File.Exists(file))
                {
                    versions.Add((number, new ModelVersionDefinition(number.ToString(CultureInfo.InvariantCulture), file)));
                }
            }

            var single = Path.Combine(modelDirectory, ModelFileName);
            if (versions.Count == 0 && File.Exists(single))
            {
                versions.Add((1, new ModelVersionDefinition("1", single)));
            }

            if (versions.Count > 0)
            {
                models.Add(new ModelDefinition(name, versions.OrderBy(v => v.Number).Select(v => v.Definition).ToArray()));
            }
        }

        return Task.FromResult<IReadOnlyList<ModelDefinition>>(models);
    }
}
