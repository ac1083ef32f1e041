using Microsoft.Extensions.Time.Testing;
using Wharf.Serving.Batching;
using Wharf.Serving.Inference;
using static Wharf.Serving.Tests.Batching.TestTensors;

namespace Wharf.Serving.Tests.Batching;

public sealed class BoundedSchedulerTests
{
    private readonly FakeTimeProvider _time = new();
    private readonly List<int> _executed = [];

    [Fact]
    public async Task InferAsync_ModelWithoutBatchDimension_RunsEachRequestAloneInOrder()
    {
        var runner = new FakeRunner(hasBatchDimension: false);
        await using var scheduler = Create(runner);
        runner.Gate.Reset();
        var requests = Enumerable.Range(0, 3).Select(i => Rows(2, seed: i)).ToArray();

        var first = InferElsewhereAsync(scheduler, requests[0]);
        await runner.Entered.WaitAsync(Patience);
        Task<InferenceResult>[] tasks = [first, .. requests.Skip(1).Select(request => scheduler.InferAsync(request))];
        Assert.Equal(2, scheduler.QueuedItems);
        runner.Gate.Set();
        var results = await Task.WhenAll(tasks).WaitAsync(Patience);

        for (var i = 0; i < requests.Length; i++)
        {
            AssertAnswers(requests[i], results[i]);
        }

        Assert.Equal(requests.Select(r => r.Inputs[0].Data.ToArray()), runner.Runs.Select(run => run[0].Data.ToArray()));
        Assert.Equal(1, runner.MaxConcurrentRuns);
        Assert.Equal([1, 1, 1], _executed);
        Assert.All(results, result => Assert.Equal(1, result.BatchItems));
    }

    [Fact]
    public async Task InferAsync_NothingQueuedAndASlotFree_RunsOnTheCallersThread()
    {
        var runner = new FakeRunner(hasBatchDimension: false);
        await using var scheduler = Create(runner);
        var request = Rows(1, seed: 5);
        var ranOn = -1;
        runner.DuringRun = () => ranOn = Environment.CurrentManagedThreadId;
        await scheduler.WhenIdleAsync();

        var thread = Environment.CurrentManagedThreadId;
        var task = scheduler.InferAsync(request);

        Assert.True(task.IsCompletedSuccessfully);
        Assert.Equal(thread, ranOn);
        AssertAnswers(request, await task);
        Assert.Equal(TimeSpan.Zero, (await task).QueueTime);
        Assert.Equal([1], _executed);
    }

    [Fact]
    public async Task InferAsync_BatchDimensionWithBatchingOff_CountsRowsAgainstTheQueue()
    {
        var runner = new FakeRunner();
        await using var scheduler = Create(runner, maxQueued: 5);
        runner.Gate.Reset();
        var running = InferElsewhereAsync(scheduler, Rows(4, seed: 1));
        await runner.Entered.WaitAsync(Patience);

        var queued = scheduler.InferAsync(Rows(5, seed: 2));
        var rejected = await Assert.ThrowsAsync<InferenceRejectedException>(() => scheduler.InferAsync(Rows(1, seed: 3)));

        Assert.Equal(5, scheduler.QueuedItems);
        Assert.NotNull(rejected.RetryAfter);
        runner.Gate.Set();
        Assert.Equal(4, (await running.WaitAsync(Patience)).BatchItems);
        Assert.Equal(5, (await queued.WaitAsync(Patience)).BatchItems);
        Assert.Equal([4L, 5L], runner.RunRows);
    }

    [Fact]
    public async Task InferAsync_TimedOutOrCancelledWhileQueued_NeverRuns()
    {
        var runner = new FakeRunner(hasBatchDimension: false);
        await using var scheduler = Create(runner);
        runner.Gate.Reset();
        var running = InferElsewhereAsync(scheduler, Rows(1, seed: 1));
        await runner.Entered.WaitAsync(Patience);
        using var cancellation = new CancellationTokenSource();

        var cancelled = scheduler.InferAsync(Rows(1, seed: 2), cancellation.Token);
        var timedOut = scheduler.InferAsync(Rows(1, seed: 3, timeout: TimeSpan.FromSeconds(1)));
        var kept = scheduler.InferAsync(Rows(1, seed: 4));
        await cancellation.CancelAsync();
        _time.Advance(TimeSpan.FromSeconds(1));

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => cancelled.WaitAsync(Patience));
        await Assert.ThrowsAsync<InferenceRejectedException>(() => timedOut.WaitAsync(Patience));
        Assert.Equal(1, scheduler.QueuedItems);
        runner.Gate.Set();
        await Task.WhenAll(running, kept).WaitAsync(Patience);
        await scheduler.WhenIdleAsync();
        Assert.Equal(2, runner.Runs.Count);
    }

    [Fact]
    public async Task InferAsync_TimeoutsOutOfArrivalOrder_EachExpiresAtItsOwnDeadline()
    {
        var runner = new FakeRunner(hasBatchDimension: false);
        await using var scheduler = Create(runner);
        runner.Gate.Reset();
        var running = InferElsewhereAsync(scheduler, Rows(1, seed: 1));
        await runner.Entered.WaitAsync(Patience);

        var patient = scheduler.InferAsync(Rows(1, seed: 2, timeout: TimeSpan.FromSeconds(5)));
        var hasty = scheduler.InferAsync(Rows(1, seed: 3, timeout: TimeSpan.FromSeconds(1)));
        var kept = scheduler.InferAsync(Rows(1, seed: 4));

        _time.Advance(TimeSpan.FromSeconds(1));
        var first = await Assert.ThrowsAsync<InferenceRejectedException>(() => hasty.WaitAsync(Patience));
        Assert.Contains("timeout of 1000 ms", first.Message, StringComparison.Ordinal);
        Assert.False(patient.IsCompleted);
        Assert.Equal(2, scheduler.QueuedItems);

        _time.Advance(TimeSpan.FromSeconds(4));
        var second = await Assert.ThrowsAsync<InferenceRejectedException>(() => patient.WaitAsync(Patience));
        Assert.Contains("timeout of 5000 ms", second.Message, StringComparison.Ordinal);
        Assert.Equal(1, scheduler.QueuedItems);

        runner.Gate.Set();
        await Task.WhenAll(running, kept).WaitAsync(Patience);
        Assert.Equal(2, runner.Runs.Count);
    }

    [Theory]
    [InlineData(0)]
    [InlineData(-1)]
    public async Task InferAsync_TimeoutNotPositive_RejectedWithoutRunning(int seconds)
    {
        var runner = new FakeRunner(hasBatchDimension: false);
        await using var scheduler = Create(runner);

        await Assert.ThrowsAsync<InferenceRejectedException>(() => scheduler.InferAsync(Rows(1, timeout: TimeSpan.FromSeconds(seconds))));

        await scheduler.WhenIdleAsync();
        Assert.Empty(runner.Runs);
    }

    [Fact]
    public async Task InferAsync_HugeTimeoutOnTheSystemClock_Runs()
    {
        var runner = new FakeRunner(hasBatchDimension: false);
        await using var scheduler = new BoundedScheduler(runner, new BatchingOptions(), TimeProvider.System, batchExecuted: null);
        var request = Rows(1, timeout: TimeSpan.MaxValue);

        AssertAnswers(request, await scheduler.InferAsync(request).WaitAsync(Patience));
    }

    [Fact]
    public async Task InferAsync_AlreadyCancelled_ReturnsCancelledWithoutQueueing()
    {
        var runner = new FakeRunner(hasBatchDimension: false);
        await using var scheduler = Create(runner);

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => scheduler.InferAsync(Rows(1), new CancellationToken(canceled: true)));

        await scheduler.WhenIdleAsync();
        Assert.Empty(runner.Runs);
    }

    [Fact]
    public async Task InferAsync_TwoConcurrentRuns_RunsTwoRequestsAtOnce()
    {
        var runner = new FakeRunner(hasBatchDimension: false);
        await using var scheduler = Create(runner, concurrentRuns: 2);
        runner.Gate.Reset();

        var tasks = Enumerable.Range(0, 3).Select(i => InferElsewhereAsync(scheduler, Rows(1, seed: i))).ToArray();
        await runner.Entered.WaitAsync(Patience);
        await runner.Entered.WaitAsync(Patience);
        runner.Gate.Set();

        await Task.WhenAll(tasks).WaitAsync(Patience);
        Assert.Equal(2, runner.MaxConcurrentRuns);
        Assert.Equal(3, runner.Runs.Count);
    }

    [Fact]
    public async Task InferAsync_RunnerThrows_FailsThatRequestAndKeepsServing()
    {
        var runner = new FakeRunner(hasBatchDimension: false) { FailWhen = inputs => inputs[0].Shape[1] == 3 };
        await using var scheduler = Create(runner);

        await Assert.ThrowsAsync<InvalidOperationException>(() => scheduler.InferAsync(Rows(1, width: 3)).WaitAsync(Patience));
        var request = Rows(1);

        AssertAnswers(request, await scheduler.InferAsync(request).WaitAsync(Patience));
    }

    [Fact]
    public async Task DisposeAsync_FailsWaitingRequests()
    {
        var runner = new FakeRunner(hasBatchDimension: false);
        var scheduler = Create(runner);
        runner.Gate.Reset();
        var running = InferElsewhereAsync(scheduler, Rows(1, seed: 1));
        await runner.Entered.WaitAsync(Patience);
        var waiting = scheduler.InferAsync(Rows(1, seed: 2));

        var disposing = scheduler.DisposeAsync().AsTask();

        var rejected = await Assert.ThrowsAsync<InferenceRejectedException>(() => waiting.WaitAsync(Patience));
        Assert.Equal("The model is being unloaded.", rejected.Message);
        runner.Gate.Set();
        await running.WaitAsync(Patience);
        await disposing.WaitAsync(Patience);
        Assert.Single(runner.Runs);
    }

    private BoundedScheduler Create(FakeRunner runner, int maxQueued = 1024, int concurrentRuns = 1) =>
        new(runner, new BatchingOptions { MaxQueuedItems = maxQueued, MaxConcurrentRuns = concurrentRuns, DefaultTimeout = TimeSpan.FromMinutes(10) },
            _time, items => { lock (_executed) { _executed.Add(items); } });
}
