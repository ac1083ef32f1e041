using Wharf.Serving.Inference;

namespace Wharf.Serving.Batching;

/// <summary>
/// Runs requests one by one (up to <see cref="BatchingOptions.MaxConcurrentRuns"/> at once) from a bounded queue,
/// for models without a batch dimension or with batching off. A request counts its rows against the queue when
/// the model has a batch dimension, else one item.
/// </summary>
internal sealed class BoundedScheduler(IInferenceRunner runner, BatchingOptions options, TimeProvider timeProvider, Action<int>? batchExecuted)
    : QueuedScheduler(runner, options, timeProvider, batchExecuted)
{
    private readonly bool _countRows = runner.HasBatchDimension;

    protected override (int Items, BatchSignature? Signature) Describe(InferenceRequest request)
    {
        if (!_countRows || request.Inputs.Count == 0 || request.Inputs[0].Shape.Length == 0)
        {
            return (1, null);
        }

        return ((int)Math.Clamp(request.Inputs[0].Shape[0], 1, int.MaxValue), null);
    }

    protected override bool RunsAtOnceAlone(PendingInference pending) => true;

    protected override TimeSpan? SelectNextRun(LinkedList<PendingInference> queue, long now, List<PendingInference> batch)
    {
        if (queue.First is { } oldest)
        {
            batch.Add(oldest.Value);
        }

        return null;
    }
}
