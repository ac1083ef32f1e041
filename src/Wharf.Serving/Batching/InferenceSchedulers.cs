using Wharf.Serving.Inference;

namespace Wharf.Serving.Batching;

/// <summary>Picks the scheduler for a loaded model from its batching options and what the model allows.</summary>
internal static class InferenceSchedulers
{
    /// <param name="runner">The loaded model.</param>
    /// <param name="options">Its batching options.</param>
    /// <param name="timeProvider">Clock for queue delay and timeouts.</param>
    /// <param name="batchExecuted">Called once per run with the items it took, for the batch-size histogram.</param>
    public static IInferenceScheduler Create(
        IInferenceRunner runner, BatchingOptions options, TimeProvider timeProvider, Action<int>? batchExecuted = null)
    {
        ArgumentNullException.ThrowIfNull(runner);
        ArgumentNullException.ThrowIfNull(options);
        return options.MaxBatchSize > 1 && runner.HasBatchDimension
            ? new DynamicBatcher(runner, options, timeProvider, batchExecuted)
            : new BoundedScheduler(runner, options, timeProvider, batchExecuted);
    }
}
