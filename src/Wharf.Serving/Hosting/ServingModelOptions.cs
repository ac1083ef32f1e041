namespace Wharf.Serving.Hosting;

/// <summary>
/// One model named in configuration: <c>Serving:Models:&lt;i&gt;:Name</c> and either <c>:Path</c> (an .onnx file) or
/// <c>:Source</c> (a directory, <c>oci:&lt;layout-dir&gt;[:&lt;ref&gt;]</c> or a registry reference; see
/// <see cref="Sources.ModelSourceSpec"/>), with <c>:File</c> choosing the .onnx file when the source holds several.
/// </summary>
internal sealed class ServingModelOptions
{
    /// <summary>The model's name; with a <see cref="Source"/> it defaults to the repository's (or directory's) last segment.</summary>
    public string Name { get; set; } = "";

    public string Path { get; set; } = "";

    public string? Source { get; set; }

    /// <summary>The .onnx file inside the source (a relative path), when it holds more than one.</summary>
    public string? File { get; set; }
}
