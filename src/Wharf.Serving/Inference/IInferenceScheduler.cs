namespace Wharf.Serving.Inference;

/// <summary>
/// Puts requests for one model through its <see cref="IInferenceRunner"/>: either one by one or in dynamic
/// batches. Bounded: a full queue throws <see cref="InferenceRejectedException"/> (HTTP 503 with
/// Retry-After); a request past its timeout or cancelled by its client leaves the queue without running.
/// </summary>
internal interface IInferenceScheduler : IAsyncDisposable
{
    /// <summary>Requests waiting, in items (batch rows), not requests.</summary>
    int QueuedItems { get; }

    Task<InferenceResult> InferAsync(InferenceRequest request, CancellationToken cancellationToken = default);
}
