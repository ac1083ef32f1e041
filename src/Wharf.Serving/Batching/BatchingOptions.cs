namespace Wharf.Serving.Batching;

/// <summary>How one model's requests are queued and batched. A max batch size of 1 turns batching off.</summary>
internal sealed class BatchingOptions
{
    /// <summary>Most items (rows along the batch dimension) one run may take; 1 runs requests one by one.</summary>
    public int MaxBatchSize { get; set; } = 1;

    /// <summary>How long the first request of a batch may wait for more before the batch runs anyway.</summary>
    public TimeSpan MaxQueueDelay { get; set; } = TimeSpan.FromMilliseconds(2);

    /// <summary>Batch sizes the model runs best at; a forming batch that reaches one may run without waiting.</summary>
    public IList<int> PreferredBatchSizes { get; set; } = [];

    /// <summary>Items that may wait; beyond it requests are refused with 503 and Retry-After.</summary>
    public int MaxQueuedItems { get; set; } = 1024;

    /// <summary>How long a request may wait and run when it does not ask for its own timeout.</summary>
    public TimeSpan DefaultTimeout { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>
    /// Runs (batches, or single requests when not batching) that may execute at once. 1 by default: ONNX Runtime
    /// already spreads one run over the cores, and overlapping runs only contend for them.
    /// </summary>
    public int MaxConcurrentRuns { get; set; } = 1;
}
