namespace Wharf.Serving.Inference;

/// <summary>A validated request: inputs already checked against the model's signature.</summary>
/// <param name="Inputs">Every model input, each with the same first dimension when the model batches.</param>
/// <param name="OutputNames">The outputs to compute, never empty.</param>
/// <param name="Timeout">How long the request may wait and run; null for the scheduler's default.</param>
internal sealed record InferenceRequest(
    IReadOnlyList<InferenceTensor> Inputs,
    IReadOnlyList<string> OutputNames,
    TimeSpan? Timeout = null);
