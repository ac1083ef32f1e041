namespace Wharf.Serving.Hosting;

/// <summary>One model named in configuration: <c>Serving:Models:&lt;i&gt;:Name</c> and <c>:Path</c> (an .onnx file).</summary>
internal sealed class ServingModelOptions
{
    public string Name { get; set; } = "";

    public string Path { get; set; } = "";
}
