using System.Buffers;
using Wharf.Serving.Inference;

namespace Wharf.Serving.Batching;

/// <summary>
/// A bounded queue in front of one model and the loop that empties it; the subclass decides what the next run
/// takes (<see cref="BoundedScheduler"/>: the oldest request; <see cref="DynamicBatcher"/>: a batch).
/// </summary>
/// <remarks>
/// <para>
/// Admission: the queue is bounded in items (rows), not requests; a request that does not fit is refused at once
/// with <see cref="InferenceRejectedException"/> and a Retry-After estimated from how fast runs have drained the
/// queue. A request larger than the whole bound is admitted only into an empty queue, so it can run at all.
/// </para>
/// <para>
/// Leaving without running: a request's timeout and its caller's cancellation are armed while it waits (the
/// timeouts of all waiting requests share one timer, set for the earliest deadline); either one takes it out of the
/// queue and completes its caller (rejected or cancelled), so it never runs. Once a run
/// has taken it, it completes with that run: runs cannot be interrupted, and completing the caller early would let
/// it recycle input buffers the run is still reading.
/// </para>
/// <para>
/// The loop: one long-running task per model. It first takes a run slot (<see cref="BatchingOptions.MaxConcurrentRuns"/>;
/// waiting for a slot while runs are busy is what lets requests pile up into bigger batches), then, under the
/// queue's lock, asks the subclass for the next run. If nothing is ready it parks until a request arrives or the
/// timer the subclass asked for fires (a batch's queue delay), and asks again. With one slot the run happens
/// synchronously on the loop, so runs never overlap; with more, each run goes to the thread pool.
/// </para>
/// <para>
/// The shortcut: a request that finds the queue empty and a run slot free, and that the subclass would run alone at
/// once, runs on its caller's thread without entering the queue (no timer, no hop to the loop and back). Idle, every
/// request takes it; under load the queue is rarely empty, and requests gather into batches as before.
/// </para>
/// </remarks>
internal abstract class QueuedScheduler : IInferenceScheduler
{
    private static readonly TimeSpan MinimumRetryAfter = TimeSpan.FromSeconds(1);

    // Timers refuse due times past about 49 days; a longer timeout is as good as none.
    private static readonly TimeSpan LongestTimeout = TimeSpan.FromDays(30);

    private readonly IInferenceRunner _runner;
    private readonly TimeProvider _timeProvider;
    private readonly Action<int>? _batchExecuted;
    private readonly Lock _lock = new();
    private readonly LinkedList<PendingInference> _queue = new();
    private readonly SemaphoreSlim _runSlots;
    private readonly ITimer _delayTimer;

    // One timer for every queued request's timeout, armed for the earliest deadline (_armedDeadline; long.MaxValue:
    // disarmed). A request that leaves the queue early leaves it armed; when it fires for nothing, it re-arms for the
    // earliest deadline still waiting. A timer per request cost more than the rest of a batched request.
    private readonly ITimer _timeoutTimer;
    private long _armedDeadline = long.MaxValue;
    private readonly Task _loop;
    private int _queuedItems;
    private bool _disposed;
    private bool _idle;
    private bool _waitingForBatchToFill;
    private TaskCompletionSource? _wakeUp;
    private TaskCompletionSource? _idleWaiter;

    // Averages of past runs (exponentially weighted), for the Retry-After estimate. Written under _lock.
    private double _averageRunTicks;
    private double _averageRunItems;

    protected QueuedScheduler(IInferenceRunner runner, BatchingOptions options, TimeProvider timeProvider, Action<int>? batchExecuted)
    {
        ArgumentNullException.ThrowIfNull(runner);
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(timeProvider);
        ArgumentOutOfRangeException.ThrowIfLessThan(options.MaxBatchSize, 1, "Serving:Batching:<model>:MaxBatchSize");
        ArgumentOutOfRangeException.ThrowIfLessThan(options.MaxQueuedItems, 1, "Serving:Batching:<model>:MaxQueuedItems");
        ArgumentOutOfRangeException.ThrowIfLessThan(options.MaxConcurrentRuns, 1, "Serving:Batching:<model>:MaxConcurrentRuns");
        ArgumentOutOfRangeException.ThrowIfLessThan(options.MaxQueueDelay, TimeSpan.Zero, "Serving:Batching:<model>:MaxQueueDelay");
        ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(options.DefaultTimeout, TimeSpan.Zero, "Serving:Batching:<model>:DefaultTimeout");

        _runner = runner;
        Options = options;
        _timeProvider = timeProvider;
        _batchExecuted = batchExecuted;
        _runSlots = new SemaphoreSlim(options.MaxConcurrentRuns, options.MaxConcurrentRuns);
        _delayTimer = timeProvider.CreateTimer(static state => ((QueuedScheduler)state!).WakeUp(), this, Timeout.InfiniteTimeSpan, Timeout.InfiniteTimeSpan);
        _timeoutTimer = timeProvider.CreateTimer(static state => ((QueuedScheduler)state!).ExpireOverdue(), this, Timeout.InfiniteTimeSpan, Timeout.InfiniteTimeSpan);
        _loop = Task.Run(RunLoopAsync);
    }

    public int QueuedItems => Volatile.Read(ref _queuedItems);

    protected BatchingOptions Options { get; }

    protected TimeProvider TimeProvider => _timeProvider;

    public Task<InferenceResult> InferAsync(InferenceRequest request, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(request);
        if (cancellationToken.IsCancellationRequested)
        {
            return Task.FromCanceled<InferenceResult>(cancellationToken);
        }

        var timeout = request.Timeout ?? Options.DefaultTimeout;
        if (timeout <= TimeSpan.Zero)
        {
            return Task.FromException<InferenceResult>(new InferenceRejectedException("The request's timeout is not positive."));
        }

        var (items, signature) = Describe(request);
        var pending = new PendingInference(request, items, signature, _timeProvider.GetTimestamp(), cancellationToken);
        var runsAtOnceAlone = RunsAtOnceAlone(pending);
        TaskCompletionSource? wakeUp = null;
        bool runHere;
        lock (_lock)
        {
            if (_disposed)
            {
                return Task.FromException<InferenceResult>(Unloading());
            }

            // Nothing waiting, a run slot free, and the loop would take this request alone at once anyway: run it
            // on the caller's thread rather than hand it to the loop and back, two thread hops that are most of a
            // request's cost at low load. The slot keeps the loop's runs and this one within MaxConcurrentRuns.
            runHere = _queue.Count == 0 && runsAtOnceAlone && _runSlots.Wait(0, CancellationToken.None);
            if (!runHere)
            {
                if (_queuedItems > 0 && _queuedItems + items > Options.MaxQueuedItems)
                {
                    return Task.FromException<InferenceResult>(new InferenceRejectedException(
                        $"The model's queue is full ({_queuedItems} of {Options.MaxQueuedItems} items waiting).", EstimateRetryAfter()));
                }

                _queue.AddLast(pending.Node);
                _queuedItems += items;

                pending.Timeout = timeout;
                if (timeout < LongestTimeout)
                {
                    pending.Deadline = pending.EnqueuedAt + (long)((Int128)timeout.Ticks * _timeProvider.TimestampFrequency / TimeSpan.TicksPerSecond);
                    if (pending.Deadline < _armedDeadline)
                    {
                        ArmTimeoutTimer(pending.Deadline, pending.EnqueuedAt);
                    }
                }

                // Inside the lock so that the run that takes the request finds the registration to release. A token
                // cancelled meanwhile runs Abandon right here, which is fine: the lock is reentrant.
                if (cancellationToken.CanBeCanceled)
                {
                    pending.CancellationRegistration = cancellationToken.UnsafeRegister(_ => Abandon(pending), null);
                }

                // A loop parked on a batch's queue delay is woken only when the arrival could close a batch early;
                // waking it for every request costs a thread hop and a scan of the queue each, for nothing.
                if (_wakeUp is not null && (!_waitingForBatchToFill || _queuedItems >= WakeAtQueuedItems || runsAtOnceAlone))
                {
                    wakeUp = TakeWakeUp();
                }
            }
        }

        if (runHere)
        {
            try
            {
                Execute([pending]);
            }
            finally
            {
                _runSlots.Release();
            }
        }

        wakeUp?.TrySetResult();
        return pending.Completion.Task;
    }

    public async ValueTask DisposeAsync()
    {
        List<PendingInference> waiting;
        TaskCompletionSource? wakeUp, idleWaiter;
        lock (_lock)
        {
            if (_disposed)
            {
                return;
            }

            _disposed = true;
            waiting = [.. _queue];
            _queue.Clear();
            _queuedItems = 0;
            wakeUp = TakeWakeUp();
            idleWaiter = _idleWaiter;
            _idleWaiter = null;
        }

        foreach (var pending in waiting)
        {
            pending.ReleaseWaitHandles();
            pending.Completion.TrySetException(Unloading());
        }

        wakeUp?.TrySetResult();
        idleWaiter?.TrySetResult();
        await _loop;

        // Every slot back means every run in flight has finished and completed its callers.
        for (var i = 0; i < Options.MaxConcurrentRuns; i++)
        {
            await _runSlots.WaitAsync();
        }

        await _delayTimer.DisposeAsync();
        await _timeoutTimer.DisposeAsync();
        _runSlots.Dispose();
    }

    /// <summary>
    /// Completes when the loop has looked at everything queued so far and is parked waiting (for a request, the
    /// queue delay or a run slot it does not need). Tests use it to know nothing is about to run.
    /// </summary>
    internal Task WhenIdleAsync()
    {
        lock (_lock)
        {
            if (_idle || _disposed)
            {
                return Task.CompletedTask;
            }

            _idleWaiter ??= new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            return _idleWaiter.Task;
        }
    }

    /// <summary>The request's items and what it may be batched with (null: alone).</summary>
    protected abstract (int Items, BatchSignature? Signature) Describe(InferenceRequest request);

    /// <summary>
    /// Called under the queue's lock with every waiting request, oldest first: adds to <paramref name="batch"/> the
    /// requests the next run takes, or leaves it empty and returns how long until something becomes ready
    /// (null: nothing will without a new request).
    /// </summary>
    protected abstract TimeSpan? SelectNextRun(LinkedList<PendingInference> queue, long now, List<PendingInference> batch);

    /// <summary>Whether <see cref="SelectNextRun"/> would take this request at once were it alone in the queue.</summary>
    protected abstract bool RunsAtOnceAlone(PendingInference pending);

    /// <summary>
    /// While the loop waits out a batch's queue delay: the items queued at which an arrival may fill a batch and so
    /// must wake it (1: every arrival). Fewer wake-ups are only an optimisation; the delay bounds what a missed one costs.
    /// </summary>
    protected virtual int WakeAtQueuedItems => 1;

    private static InferenceRejectedException Unloading() => new("The model is being unloaded.");

    private async Task RunLoopAsync()
    {
        var batch = new List<PendingInference>();
        while (true)
        {
            await _runSlots.WaitAsync();
            Task? parked = null;
            TaskCompletionSource? idleWaiter = null;
            lock (_lock)
            {
                if (_disposed)
                {
                    _runSlots.Release();
                    return;
                }

                var wait = SelectNextRun(_queue, _timeProvider.GetTimestamp(), batch);
                if (batch.Count == 0)
                {
                    // The slot goes back before the loop counts as idle, so a caller that sees it idle finds it free.
                    _runSlots.Release();
                    _wakeUp = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
                    parked = _wakeUp.Task;
                    _idle = true;
                    _waitingForBatchToFill = wait is not null;
                    idleWaiter = _idleWaiter;
                    _idleWaiter = null;

                    // After the wake-up exists: a timer that fires at once must find it.
                    _delayTimer.Change(wait ?? Timeout.InfiniteTimeSpan, Timeout.InfiniteTimeSpan);
                }
                else
                {
                    foreach (var pending in batch)
                    {
                        _queue.Remove(pending.Node);
                        _queuedItems -= pending.Items;
                    }
                }
            }

            if (parked is not null)
            {
                idleWaiter?.TrySetResult();
                await parked;
                continue;
            }

            foreach (var pending in batch)
            {
                pending.ReleaseWaitHandles();
            }

            if (Options.MaxConcurrentRuns == 1)
            {
                Execute(batch);
                _runSlots.Release();
                batch.Clear();
            }
            else
            {
                var taken = batch.ToArray();
                batch.Clear();
                _ = Task.Run(() =>
                {
                    try
                    {
                        Execute(taken);
                    }
                    finally
                    {
                        _runSlots.Release();
                    }
                });
            }
        }
    }

    // One run: concatenate (unless alone), run, split, complete every caller. Never throws: a failure fails the
    // run's requests, and the loop goes on serving.
    private void Execute(IReadOnlyList<PendingInference> batch)
    {
        var start = _timeProvider.GetTimestamp();
        var items = 0;
        foreach (var pending in batch)
        {
            items += pending.Items;
        }

        IReadOnlyList<InferenceTensor>[] outputs;
        try
        {
            outputs = batch.Count == 1 ? [Run(batch[0].Request.Inputs, batch[0].Request.OutputNames, items)] : RunConcatenated(batch, items);
        }
        catch (Exception exception)
        {
            foreach (var pending in batch)
            {
                pending.Completion.TrySetException(exception);
            }

            return;
        }

        var end = _timeProvider.GetTimestamp();
        var computeTime = _timeProvider.GetElapsedTime(start, end);
        lock (_lock)
        {
            const double weight = 0.2;
            _averageRunTicks = _averageRunTicks == 0 ? computeTime.Ticks : (weight * computeTime.Ticks) + ((1 - weight) * _averageRunTicks);
            _averageRunItems = _averageRunItems == 0 ? items : (weight * items) + ((1 - weight) * _averageRunItems);
        }

        for (var i = 0; i < batch.Count; i++)
        {
            var pending = batch[i];
            pending.Completion.TrySetResult(
                new InferenceResult(outputs[i], _timeProvider.GetElapsedTime(pending.EnqueuedAt, start), computeTime, items));
        }
    }

    private IReadOnlyList<InferenceTensor>[] RunConcatenated(IReadOnlyList<PendingInference> batch, int items)
    {
        var template = batch[0].Request;
        var inputs = new InferenceTensor[template.Inputs.Count];
        var rented = new byte[inputs.Length][];
        try
        {
            for (var i = 0; i < inputs.Length; i++)
            {
                inputs[i] = TensorBatching.Concatenate(batch, i, items, out rented[i]);
            }

            var outputs = Run(inputs, template.OutputNames, items);
            return TensorBatching.Split(outputs, batch, items);
        }
        finally
        {
            foreach (var buffer in rented)
            {
                if (buffer is not null)
                {
                    ArrayPool<byte>.Shared.Return(buffer);
                }
            }
        }
    }

    private IReadOnlyList<InferenceTensor> Run(IReadOnlyList<InferenceTensor> inputs, IReadOnlyList<string> outputNames, int items)
    {
        try
        {
            return _runner.Run(inputs, outputNames);
        }
        finally
        {
            _batchExecuted?.Invoke(items);
        }
    }

    // The request's caller cancelled while it waited.
    private void Abandon(PendingInference pending)
    {
        lock (_lock)
        {
            if (pending.Node.List is null)
            {
                return;
            }

            _queue.Remove(pending.Node);
            _queuedItems -= pending.Items;
        }

        pending.ReleaseWaitHandles();
        pending.Completion.TrySetCanceled(pending.CancellationToken);
    }

    // The timeout timer fired: every request past its deadline leaves the queue rejected; the timer is armed again
    // for the earliest deadline left.
    private void ExpireOverdue()
    {
        List<PendingInference>? overdue = null;
        TimeSpan retryAfter;
        lock (_lock)
        {
            var now = _timeProvider.GetTimestamp();
            var earliest = long.MaxValue;
            for (var node = _queue.First; node is not null;)
            {
                var next = node.Next;
                var pending = node.Value;
                if (pending.Deadline <= now)
                {
                    _queue.Remove(node);
                    _queuedItems -= pending.Items;
                    (overdue ??= []).Add(pending);
                }
                else
                {
                    earliest = Math.Min(earliest, pending.Deadline);
                }

                node = next;
            }

            _armedDeadline = long.MaxValue;
            if (earliest != long.MaxValue && !_disposed)
            {
                ArmTimeoutTimer(earliest, now);
            }

            retryAfter = EstimateRetryAfter();
        }

        foreach (var pending in overdue ?? [])
        {
            pending.ReleaseWaitHandles();
            pending.Completion.TrySetException(new InferenceRejectedException(
                $"The request waited longer than its timeout of {pending.Timeout.TotalMilliseconds:0.###} ms.", retryAfter));
        }
    }

    // Under _lock.
    private void ArmTimeoutTimer(long deadline, long now)
    {
        _armedDeadline = deadline;
        // Rounded up: a timer that fired before the deadline would find nothing overdue and re-arm for zero.
        var frequency = _timeProvider.TimestampFrequency;
        var due = TimeSpan.FromTicks((long)((((Int128)Math.Max(0, deadline - now) * TimeSpan.TicksPerSecond) + frequency - 1) / frequency));
        _timeoutTimer.Change(due, Timeout.InfiniteTimeSpan);
    }

    private TaskCompletionSource? TakeWakeUp()
    {
        _idle = false;
        var wakeUp = _wakeUp;
        _wakeUp = null;
        return wakeUp;
    }

    private void WakeUp()
    {
        TaskCompletionSource? wakeUp;
        lock (_lock)
        {
            wakeUp = TakeWakeUp();
        }

        wakeUp?.TrySetResult();
    }

    // Under _lock: how long the items waiting now take to drain at the recent pace of runs; at least a second,
    // the header's unit.
    private TimeSpan EstimateRetryAfter()
    {
        if (_averageRunItems <= 0)
        {
            return MinimumRetryAfter;
        }

        var runs = Math.Ceiling(_queuedItems / _averageRunItems) / Options.MaxConcurrentRuns;
        var estimate = TimeSpan.FromTicks((long)Math.Min(runs * _averageRunTicks, TimeSpan.FromHours(1).Ticks));
        return estimate < MinimumRetryAfter ? MinimumRetryAfter : estimate;
    }
}
