using Wharf.Serving.Inference;

namespace Wharf.Serving.Batching;

/// <summary>
/// Dynamic batching for a model whose inputs and outputs share a dynamic first dimension: requests that agree on
/// everything else (<see cref="BatchSignature"/>) are concatenated along it into one run and the outputs split
/// back by each request's rows. Batches are counted in items (rows), not requests.
/// </summary>
/// <remarks>
/// When a batch closes, looked at every time the loop wakes (a request arrived, a run finished, or the oldest
/// request's queue delay ran out), over the queue oldest first:
/// <list type="bullet">
/// <item>A request that cannot share (no signature) or that alone fills <see cref="BatchingOptions.MaxBatchSize"/>
/// or more runs alone, at once: waiting could only add latency, nothing can join it.</item>
/// <item>Otherwise requests are grouped by signature, each group taking its requests oldest first while they fit
/// in MaxBatchSize (one that does not fit waits for a later batch; it leads one once it is the oldest). A group
/// runs at once when it is full, or when its items are one of <see cref="BatchingOptions.PreferredBatchSizes"/>:
/// everything waiting has already been gathered, so no more requests are immediately available and the model
/// runs that size best; or when its oldest request has waited <see cref="BatchingOptions.MaxQueueDelay"/>, the
/// latency the operator traded for throughput.</item>
/// <item>If no group is ready the loop sleeps until the oldest request's delay runs out or a request arrives. The
/// oldest request's group has the earliest deadline, so groups run in order of their oldest request: no group
/// starves another.</item>
/// </list>
/// The loop only looks while it holds a run slot, so while a batch runs the queue keeps filling and the next batch
/// is as big as the backlog allows: under load batches grow by themselves, idle they cost one queue delay at most.
/// </remarks>
internal sealed class DynamicBatcher(IInferenceRunner runner, BatchingOptions options, TimeProvider timeProvider, Action<int>? batchExecuted)
    : QueuedScheduler(runner, options, timeProvider, batchExecuted)
{
    // Reused by the loop (the only caller of SelectNextRun, always under the queue's lock).
    private readonly List<Group> _groups = [];
    private readonly Stack<Group> _spareGroups = new();

    protected override (int Items, BatchSignature? Signature) Describe(InferenceRequest request)
    {
        var signature = BatchSignature.TryCreate(request, out var rows);
        if (signature is not null)
        {
            return (rows, signature);
        }

        var first = request.Inputs.Count == 0 || request.Inputs[0].Shape.Length == 0 ? 1 : request.Inputs[0].Shape[0];
        return ((int)Math.Clamp(first, 1, int.MaxValue), null);
    }

    protected override bool RunsAtOnceAlone(PendingInference pending) =>
        pending.Signature is null || pending.Items >= Options.MaxBatchSize || Options.MaxQueueDelay <= TimeSpan.Zero
        || Options.PreferredBatchSizes.Contains(pending.Items);

    // Without preferred sizes only a full batch closes early; with them any arrival might complete one.
    protected override int WakeAtQueuedItems => Options.PreferredBatchSizes.Count == 0 ? Options.MaxBatchSize : 1;

    protected override TimeSpan? SelectNextRun(LinkedList<PendingInference> queue, long now, List<PendingInference> batch)
    {
        var maxBatchSize = Options.MaxBatchSize;
        try
        {
            foreach (var pending in queue)
            {
                if (pending.Signature is null || pending.Items >= maxBatchSize)
                {
                    batch.Add(pending);
                    return null;
                }

                var group = FindGroup(pending.Signature);
                if (group.Items + pending.Items <= maxBatchSize)
                {
                    group.Members.Add(pending);
                    group.Items += pending.Items;
                }
            }

            foreach (var group in _groups)
            {
                if (group.Items == maxBatchSize || Options.PreferredBatchSizes.Contains(group.Items)
                    || TimeProvider.GetElapsedTime(group.Members[0].EnqueuedAt, now) >= Options.MaxQueueDelay)
                {
                    batch.AddRange(group.Members);
                    return null;
                }
            }

            return _groups.Count == 0 ? null : Options.MaxQueueDelay - TimeProvider.GetElapsedTime(_groups[0].Members[0].EnqueuedAt, now);
        }
        finally
        {
            foreach (var group in _groups)
            {
                group.Members.Clear();
                group.Items = 0;
                group.Signature = null;
                _spareGroups.Push(group);
            }

            _groups.Clear();
        }
    }

    private Group FindGroup(BatchSignature signature)
    {
        foreach (var group in _groups)
        {
            if (signature.Equals(group.Signature))
            {
                return group;
            }
        }

        var created = _spareGroups.Count > 0 ? _spareGroups.Pop() : new Group();
        created.Signature = signature;
        _groups.Add(created);
        return created;
    }

    private sealed class Group
    {
        public BatchSignature? Signature { get; set; }

        public List<PendingInference> Members { get; } = [];

        public int Items { get; set; }
    }
}
