using Wharf.Serving.Models;

namespace Wharf.Serving.Sources;

/// <summary>Picks the ONNX file a model directory serves: the one named by <c>Serving:Models:&lt;i&gt;:File</c>, else the only .onnx.</summary>
internal static class ModelFiles
{
    public static string Select(string directory, string? file, string source)
    {
        if (file is { Length: > 0 })
        {
            var path = ModelLayerWriter.Target(directory, file, $"the File of '{source}'");
            return File.Exists(path)
                ? path
                : throw new ModelLoadException($"'{source}' has no file '{ModelLayerWriter.Printable(file)}'; it has: {Describe(directory, "*")}");
        }

        var onnx = Directory.EnumerateFiles(directory, "*.onnx", SearchOption.AllDirectories).Order(StringComparer.Ordinal).ToArray();
        return onnx.Length switch
        {
            1 => onnx[0],
            0 => throw new ModelLoadException($"'{source}' holds no .onnx file; it has: {Describe(directory, "*")}"),
            _ => throw new ModelLoadException(
                $"'{source}' holds several .onnx files ({Describe(directory, "*.onnx")}); choose one with Serving:Models:<i>:File"),
        };
    }

    private static string Describe(string directory, string pattern)
    {
        var files = Directory.EnumerateFiles(directory, pattern, SearchOption.AllDirectories)
            .Select(f => Path.GetRelativePath(directory, f).Replace(Path.DirectorySeparatorChar, '/'))
            .Order(StringComparer.Ordinal)
            .Take(20)
            .ToArray();
        return files.Length == 0 ? "no files" : string.Join(", ", files);
    }
}
