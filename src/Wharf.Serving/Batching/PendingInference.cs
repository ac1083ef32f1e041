using Wharf.Serving.Inference;

namespace Wharf.Serving.Batching;

/// <summary>One request waiting in a scheduler's queue, and the promise its caller awaits.</summary>
internal sealed class PendingInference
{
    public PendingInference(InferenceRequest request, int items, BatchSignature? signature, long enqueuedAt, CancellationToken cancellationToken)
    {
        Request = request;
        Items = items;
        Signature = signature;
        EnqueuedAt = enqueuedAt;
        CancellationToken = cancellationToken;
        Node = new LinkedListNode<PendingInference>(this);
    }

    public InferenceRequest Request { get; }

    /// <summary>Rows along the batch dimension (1 for a model without one): what the queue bound and batches count.</summary>
    public int Items { get; }

    /// <summary>What the request may share a batch with; null when it must run alone.</summary>
    public BatchSignature? Signature { get; }

    /// <summary>The scheduler clock's timestamp when the request entered the queue.</summary>
    public long EnqueuedAt { get; }

    public CancellationToken CancellationToken { get; }

    /// <summary>The request's place in the queue; its <c>List</c> is null once it left (taken, timed out, cancelled).</summary>
    public LinkedListNode<PendingInference> Node { get; }

    public TaskCompletionSource<InferenceResult> Completion { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

    /// <summary>How long the request may wait in the queue.</summary>
    public TimeSpan Timeout { get; set; }

    /// <summary>The scheduler clock's timestamp at which it stops waiting (<see cref="long.MaxValue"/>: never).</summary>
    public long Deadline { get; set; } = long.MaxValue;

    public CancellationTokenRegistration CancellationRegistration { get; set; }

    /// <summary>Stops the cancellation callback; safe to call more than once and from inside it.</summary>
    public void ReleaseWaitHandles() => CancellationRegistration.Unregister();
}
