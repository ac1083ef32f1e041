using Wharf.Serving.Models;

namespace Wharf.Serving.Sources;

/// <summary>A local .onnx file, or a directory whose .onnx file (the only one, or <c>File</c>) is the model.</summary>
internal sealed class LocalModelArtifact(string path, string? file) : IModelArtifact
{
    public Task<string> MaterializeAsync(CancellationToken cancellationToken = default)
    {
        if (File.Exists(path))
        {
            return Task.FromResult(path);
        }

        return Directory.Exists(path)
            ? Task.FromResult(ModelFiles.Select(path, file, path))
            : throw new ModelLoadException($"'{path}' is not a file or directory");
    }
}
