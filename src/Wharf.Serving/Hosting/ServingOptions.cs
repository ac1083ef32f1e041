namespace Wharf.Serving.Hosting;

/// <summary>wharf-serve's configuration, section <c>Serving</c>. Batching is bound per model from <c>Serving:Batching</c>.</summary>
internal sealed class ServingOptions
{
    public const string SectionName = "Serving";

    /// <summary>A directory with one subdirectory per model (see <see cref="Models.DirectoryModelSource"/>).</summary>
    public string? ModelRepository { get; set; }

    /// <summary>Models named one by one, in addition to the repository.</summary>
    public IList<ServingModelOptions> Models { get; } = [];

    /// <summary>With false nothing loads until <c>POST /v2/repository/models/{name}/load</c>.</summary>
    public bool LoadAllAtStartup { get; set; } = true;

    /// <summary>Run one inference of zeros before a model version is READY.</summary>
    public bool WarmUp { get; set; } = true;

    /// <summary>ONNX Runtime's intra-op thread pool size; 0 leaves ONNX Runtime's default.</summary>
    public int IntraOpThreads { get; set; }

    /// <summary>ONNX Runtime's inter-op thread pool size; 0 leaves ONNX Runtime's default.</summary>
    public int InterOpThreads { get; set; }

    /// <summary>The largest infer request body; beyond it the answer is 413.</summary>
    public long MaxRequestBytes { get; set; } = 64L * 1024 * 1024;

    /// <summary>"CPU" (default) or "CUDA"; CUDA fails the load with a clear reason where it is not available.</summary>
    public string ExecutionProvider { get; set; } = "CPU";
}
