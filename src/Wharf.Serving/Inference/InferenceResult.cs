namespace Wharf.Serving.Inference;

/// <summary>A request's outputs and where its time went.</summary>
/// <param name="Outputs">The requested outputs, in the order asked for, this request's rows only.</param>
/// <param name="QueueTime">From enqueue to the start of the run that served it.</param>
/// <param name="ComputeTime">The runtime's run, including concatenating and splitting.</param>
/// <param name="BatchItems">Items (rows) in the batch this request ran in; its own count when run alone.</param>
internal sealed record InferenceResult(
    IReadOnlyList<InferenceTensor> Outputs,
    TimeSpan QueueTime,
    TimeSpan ComputeTime,
    int BatchItems);
