namespace Wharf.Serving.Inference;

/// <summary>
/// One loaded model's compute step: a synchronous run of the runtime over whole tensors. Implementations are
/// safe to call from several threads at once (ONNX Runtime sessions are). Schedulers call it; HTTP never does.
/// </summary>
internal interface IInferenceRunner
{
    /// <summary>
    /// True when every input and output has a dynamic first dimension, so requests can be concatenated along
    /// it and the outputs split back; otherwise requests are run one by one.
    /// </summary>
    bool HasBatchDimension { get; }

    /// <summary>Runs the model; <paramref name="outputNames"/> is never empty (the caller resolves "all outputs").</summary>
    IReadOnlyList<InferenceTensor> Run(IReadOnlyList<InferenceTensor> inputs, IReadOnlyList<string> outputNames);
}
