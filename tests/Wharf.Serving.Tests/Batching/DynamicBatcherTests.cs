using Microsoft.Extensions.Time.Testing;
using Wharf.Serving.Batching;
using Wharf.Serving.Inference;
using static Wharf.Serving.Tests.Batching.TestTensors;

namespace Wharf.Serving.Tests.Batching;

public sealed class DynamicBatcherTests
{
    private static readonly TimeSpan Delay = TimeSpan.FromMilliseconds(10);

    private readonly FakeTimeProvider _time = new();
    private readonly FakeRunner _runner = new();
    private readonly List<int> _executed = [];

    public static TheoryData<string> FixedSizeTypes() => [.. Enum.GetNames<TensorDataType>().Where(t => t != nameof(TensorDataType.Bytes))];

    [Theory]
    [MemberData(nameof(FixedSizeTypes))]
    public async Task InferAsync_FixedSizeMultiDimRows_ConcatenatesAndSplitsBack(string dataTypeName)
    {
        var dataType = Enum.Parse<TensorDataType>(dataTypeName);
        await using var batcher = Create(maxBatchSize: 64);
        InferenceRequest first = new([Random("a", dataType, [2, 2, 3], 1), Random("b", TensorDataType.Int64, [2, 1], 2)], ["p", "q", "r"]);
        InferenceRequest second = new([Random("a", dataType, [3, 2, 3], 3), Random("b", TensorDataType.Int64, [3, 1], 4)], ["p", "q", "r"]);

        var results = await RunTogether(batcher, first, second);

        AssertAnswers(first, results[0]);
        AssertAnswers(second, results[1]);
        var run = Assert.Single(_runner.Runs);
        Assert.Equal([5, 2, 3], run[0].Shape);
        Assert.Equal([.. first.Inputs[0].Data.ToArray(), .. second.Inputs[0].Data.ToArray()], run[0].Data.ToArray());
        Assert.Equal([5, 1], run[1].Shape);
        Assert.All(results, result => Assert.Equal(5, result.BatchItems));
    }

    [Fact]
    public async Task InferAsync_BytesRowsOfDifferentLengths_SplitsByLengthPrefixes()
    {
        await using var batcher = Create(maxBatchSize: 64);
        InferenceRequest first = new([Strings("s", [2, 2], "", "a", "bcd", "é")], ["t"]);
        InferenceRequest second = new([Random("s", TensorDataType.Bytes, [1, 2], 7)], ["t"]);
        InferenceRequest third = new([Random("s", TensorDataType.Bytes, [3, 2], 8)], ["t"]);

        var results = await RunTogether(batcher, first, second, third);

        AssertAnswers(first, results[0]);
        AssertAnswers(second, results[1]);
        AssertAnswers(third, results[2]);
        Assert.Equal([6L], _runner.RunRows);
    }

    [Fact]
    public async Task InferAsync_ReachesMaxBatchSize_RunsWithoutWaitingAndLeavesTheRest()
    {
        await using var batcher = Create(maxBatchSize: 4, delay: TimeSpan.FromHours(1));

        var a = batcher.InferAsync(Rows(2, seed: 1));
        var b = batcher.InferAsync(Rows(2, seed: 2));
        var c = batcher.InferAsync(Rows(1, seed: 3));
        await Task.WhenAll(a, b).WaitAsync(Patience);
        await batcher.WhenIdleAsync();

        Assert.Equal([4L], _runner.RunRows);
        Assert.False(c.IsCompleted);
        Assert.Equal(1, batcher.QueuedItems);

        _time.Advance(TimeSpan.FromHours(1));
        Assert.Equal(1, (await c.WaitAsync(Patience)).BatchItems);
        Assert.Equal([4L, 1L], _runner.RunRows);
        Assert.Equal([4, 1], _executed);
    }

    [Fact]
    public async Task InferAsync_ReachesPreferredBatchSize_RunsWithoutWaiting()
    {
        await using var batcher = Create(maxBatchSize: 16, delay: TimeSpan.FromHours(1), preferred: [3]);

        var a = batcher.InferAsync(Rows(1, seed: 1));
        var b = batcher.InferAsync(Rows(1, seed: 2));
        await batcher.WhenIdleAsync();
        Assert.Empty(_runner.Runs);
        Assert.False(a.IsCompleted || b.IsCompleted);

        var c = batcher.InferAsync(Rows(1, seed: 3));
        var results = await Task.WhenAll(a, b, c).WaitAsync(Patience);

        Assert.Equal([3L], _runner.RunRows);
        Assert.All(results, result => Assert.Equal(3, result.BatchItems));
    }

    [Fact]
    public async Task InferAsync_BatchNotFull_RunsWhenOldestHasWaitedMaxQueueDelay()
    {
        await using var batcher = Create(maxBatchSize: 8);

        var a = batcher.InferAsync(Rows(1, seed: 1));
        _time.Advance(TimeSpan.FromMilliseconds(4));
        var b = batcher.InferAsync(Rows(2, seed: 2));
        await batcher.WhenIdleAsync();
        _time.Advance(TimeSpan.FromMilliseconds(5));
        await batcher.WhenIdleAsync();
        Assert.Empty(_runner.Runs);

        _time.Advance(TimeSpan.FromMilliseconds(1));
        var results = await Task.WhenAll(a, b).WaitAsync(Patience);

        Assert.Equal([3L], _runner.RunRows);
        Assert.Equal(TimeSpan.FromMilliseconds(10), results[0].QueueTime);
        Assert.Equal(TimeSpan.FromMilliseconds(6), results[1].QueueTime);
        Assert.Equal(3, results[0].BatchItems);
    }

    [Fact]
    public async Task InferAsync_IdleAndNoQueueDelay_RunsOnTheCallersThread()
    {
        await using var batcher = Create(maxBatchSize: 8, delay: TimeSpan.Zero);
        var request = Rows(2, seed: 3);
        await batcher.WhenIdleAsync();

        var task = batcher.InferAsync(request);

        Assert.True(task.IsCompletedSuccessfully);
        AssertAnswers(request, await task);
        Assert.Equal([2L], _runner.RunRows);
    }

    [Fact]
    public async Task InferAsync_CountsItemsNotRequests()
    {
        await using var batcher = Create(maxBatchSize: 8, delay: TimeSpan.FromHours(1));

        var a = batcher.InferAsync(Rows(5, seed: 1));
        await batcher.WhenIdleAsync();
        Assert.Equal(5, batcher.QueuedItems);
        Assert.Empty(_runner.Runs);

        var b = batcher.InferAsync(Rows(3, seed: 2));
        var results = await Task.WhenAll(a, b).WaitAsync(Patience);

        Assert.Equal([8L], _runner.RunRows);
        Assert.Equal([8, 8], results.Select(r => r.BatchItems));
        Assert.Equal(0, batcher.QueuedItems);
    }

    [Fact]
    public async Task InferAsync_RequestLargerThanMaxBatchSize_RunsAloneAtOnce()
    {
        await using var batcher = Create(maxBatchSize: 4, delay: TimeSpan.FromHours(1));
        var small = Rows(1, seed: 1);
        var large = Rows(6, seed: 2);

        var waiting = batcher.InferAsync(small);
        var result = await batcher.InferAsync(large).WaitAsync(Patience);

        AssertAnswers(large, result);
        Assert.Equal(6, result.BatchItems);
        Assert.Equal([6L], _runner.RunRows);
        Assert.False(waiting.IsCompleted);

        _time.Advance(TimeSpan.FromHours(1));
        AssertAnswers(small, await waiting.WaitAsync(Patience));
    }

    [Fact]
    public async Task InferAsync_DifferentShapesTypesOrOutputs_AreNotMixed()
    {
        await using var batcher = Create(maxBatchSize: 16);
        InferenceRequest[] requests =
        [
            new([Random("x", TensorDataType.Fp32, [1, 2], 1)], ["y"]),
            new([Random("x", TensorDataType.Fp32, [1, 3], 2)], ["y"]),
            new([Random("x", TensorDataType.Int32, [1, 2], 3)], ["y"]),
            new([Random("x", TensorDataType.Fp32, [1, 2], 4)], ["z"]),
            new([Random("x", TensorDataType.Fp32, [2, 2], 5)], ["y"]),
        ];

        var results = await RunTogether(batcher, requests);

        for (var i = 0; i < requests.Length; i++)
        {
            AssertAnswers(requests[i], results[i]);
        }

        Assert.Equal(
            ["Fp32 [1,2]", "Fp32 [1,3]", "Fp32 [3,2]", "Int32 [1,2]"],
            _runner.Runs.Select(run => $"{run[0].DataType} [{string.Join(',', run[0].Shape)}]").Order(StringComparer.Ordinal));
        Assert.Equal([3, 1, 1, 1, 3], results.Select(r => r.BatchItems));
    }

    [Fact]
    public async Task InferAsync_QueueFull_RejectsWithRetryAfter()
    {
        await using var batcher = Create(maxBatchSize: 8, maxQueued: 4);
        _runner.Gate.Reset();
        var running = InferElsewhereAsync(batcher, Rows(8, seed: 1));
        await _runner.Entered.WaitAsync(Patience);

        var queued = new[] { batcher.InferAsync(Rows(3, seed: 2)), batcher.InferAsync(Rows(1, seed: 3)) };
        Assert.Equal(4, batcher.QueuedItems);
        var rejected = await Assert.ThrowsAsync<InferenceRejectedException>(() => batcher.InferAsync(Rows(1, seed: 4)));

        Assert.NotNull(rejected.RetryAfter);
        Assert.True(rejected.RetryAfter >= TimeSpan.FromSeconds(1));
        _runner.Gate.Set();
        await running.WaitAsync(Patience);

        // The run went on the caller's thread; the loop picks the queue up on its own thread. Only once it has set
        // the batch's delay timer may the clock move, or the timer would count from after the move.
        await batcher.WhenIdleAsync();
        _time.Advance(Delay);
        await Task.WhenAll(queued).WaitAsync(Patience);
        Assert.Equal([8L, 4L], _runner.RunRows);
    }

    [Fact]
    public async Task InferAsync_TimesOutWhileQueued_RejectedAndNeverRuns()
    {
        await using var batcher = Create(maxBatchSize: 8, delay: TimeSpan.FromHours(1));
        var doomed = batcher.InferAsync(Rows(1, seed: 1, timeout: TimeSpan.FromSeconds(5)));
        await batcher.WhenIdleAsync();

        _time.Advance(TimeSpan.FromSeconds(5));

        var rejected = await Assert.ThrowsAsync<InferenceRejectedException>(() => doomed.WaitAsync(Patience));
        Assert.Contains("timeout", rejected.Message, StringComparison.Ordinal);
        Assert.Equal(0, batcher.QueuedItems);
        _time.Advance(TimeSpan.FromHours(1));
        await batcher.WhenIdleAsync();
        Assert.Empty(_runner.Runs);
    }

    [Fact]
    public async Task InferAsync_DefaultTimeoutWhileLoopBusy_RejectedAndNeverRuns()
    {
        await using var batcher = Create(maxBatchSize: 8, defaultTimeout: TimeSpan.FromSeconds(3));
        _runner.Gate.Reset();
        var running = InferElsewhereAsync(batcher, Rows(8, seed: 1));
        await _runner.Entered.WaitAsync(Patience);
        var doomed = batcher.InferAsync(Rows(1, seed: 2));

        _time.Advance(TimeSpan.FromSeconds(3));
        await Assert.ThrowsAsync<InferenceRejectedException>(() => doomed.WaitAsync(Patience));
        _runner.Gate.Set();

        Assert.Equal(8, (await running.WaitAsync(Patience)).BatchItems);
        await batcher.WhenIdleAsync();
        Assert.Equal([8L], _runner.RunRows);
    }

    [Fact]
    public async Task InferAsync_CancelledWhileQueued_CancelledAndNeverRuns()
    {
        await using var batcher = Create(maxBatchSize: 8, delay: TimeSpan.FromHours(1));
        using var cancellation = new CancellationTokenSource();
        var cancelled = batcher.InferAsync(Rows(1, seed: 1), cancellation.Token);
        var kept = batcher.InferAsync(Rows(2, seed: 2));
        await batcher.WhenIdleAsync();

        await cancellation.CancelAsync();

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => cancelled.WaitAsync(Patience));
        Assert.Equal(2, batcher.QueuedItems);
        _time.Advance(TimeSpan.FromHours(1));
        Assert.Equal(2, (await kept.WaitAsync(Patience)).BatchItems);
        Assert.Equal([2L], _runner.RunRows);
    }

    [Fact]
    public async Task InferAsync_RunnerThrows_FailsThatBatchOnlyAndKeepsServing()
    {
        await using var batcher = Create(maxBatchSize: 4);
        _runner.FailWhen = inputs => inputs[0].Shape[0] == 3;

        var failing = new[] { batcher.InferAsync(Rows(1, seed: 1)), batcher.InferAsync(Rows(2, seed: 2)) };
        _time.Advance(Delay);
        foreach (var task in failing)
        {
            var error = await Assert.ThrowsAsync<InvalidOperationException>(() => task.WaitAsync(Patience));
            Assert.Equal("The fake runner failed as asked.", error.Message);
        }

        var request = Rows(4, seed: 3);
        AssertAnswers(request, await batcher.InferAsync(request).WaitAsync(Patience));
        Assert.Equal([3L, 4L], _runner.RunRows);
        Assert.Equal([3, 4], _executed);
    }

    [Fact]
    public async Task InferAsync_RunnerReturnsWrongRows_FailsTheBatchWithAClearError()
    {
        await using var batcher = Create(maxBatchSize: 4);
        _runner.WrongRows = 1;

        var tasks = new[] { batcher.InferAsync(Rows(1, seed: 1)), batcher.InferAsync(Rows(2, seed: 2)) };
        await batcher.WhenIdleAsync();
        _time.Advance(Delay);

        foreach (var task in tasks)
        {
            var error = await Assert.ThrowsAsync<InvalidOperationException>(() => task.WaitAsync(Patience));
            Assert.Contains("for a batch of 3 rows", error.Message, StringComparison.Ordinal);
        }
    }

    [Fact]
    public async Task InferAsync_QueueFull_RetryAfterFollowsThePaceOfRecentRuns()
    {
        await using var batcher = Create(maxBatchSize: 4, maxQueued: 8);
        _runner.DuringRun = () => _time.Advance(TimeSpan.FromSeconds(2));
        Assert.Equal(TimeSpan.FromSeconds(2), (await batcher.InferAsync(Rows(4, seed: 1)).WaitAsync(Patience)).ComputeTime);
        _runner.Gate.Reset();
        var running = InferElsewhereAsync(batcher, Rows(4, seed: 2));
        await _runner.Entered.WaitAsync(Patience);
        await _runner.Entered.WaitAsync(Patience);
        var queued = new[] { batcher.InferAsync(Rows(4, seed: 3)), batcher.InferAsync(Rows(4, seed: 4)) };

        var rejected = await Assert.ThrowsAsync<InferenceRejectedException>(() => batcher.InferAsync(Rows(1, seed: 5)));

        // Two full runs of four items ahead, each taking two seconds lately.
        Assert.Equal(TimeSpan.FromSeconds(4), rejected.RetryAfter);
        _runner.Gate.Set();
        await Task.WhenAll([running, .. queued]).WaitAsync(Patience);
    }

    [Fact]
    public async Task DisposeAsync_FailsWaitingRequestsAndLetsTheRunningOneFinish()
    {
        var batcher = Create(maxBatchSize: 8);
        _runner.Gate.Reset();
        var running = InferElsewhereAsync(batcher, Rows(8, seed: 1));
        await _runner.Entered.WaitAsync(Patience);
        var waiting = batcher.InferAsync(Rows(1, seed: 2));

        var disposing = batcher.DisposeAsync().AsTask();

        var rejected = await Assert.ThrowsAsync<InferenceRejectedException>(() => waiting.WaitAsync(Patience));
        Assert.Equal("The model is being unloaded.", rejected.Message);
        _runner.Gate.Set();
        Assert.Equal(8, (await running.WaitAsync(Patience)).BatchItems);
        await disposing.WaitAsync(Patience);
        await Assert.ThrowsAsync<InferenceRejectedException>(() => batcher.InferAsync(Rows(1)));
        Assert.Equal([8L], _runner.RunRows);
    }

    [Fact]
    public async Task InferAsync_SingleRequestBatch_ReturnsRunnerOutputsUncopied()
    {
        await using var batcher = Create(maxBatchSize: 8, delay: TimeSpan.Zero);
        var request = Rows(2, seed: 1);

        var result = await batcher.InferAsync(request).WaitAsync(Patience);

        AssertAnswers(request, result);
        Assert.Equal(2, result.BatchItems);
        Assert.Same(request.Inputs, _runner.LastInputs);
        Assert.Same(_runner.LastOutputs, result.Outputs);
    }

    [Fact]
    public async Task InferAsync_TwoConcurrentRuns_BothRunAtOnce()
    {
        await using var batcher = Create(maxBatchSize: 2, concurrentRuns: 2);
        _runner.Gate.Reset();

        var a = InferElsewhereAsync(batcher, Rows(2, seed: 1));
        var b = InferElsewhereAsync(batcher, Rows(2, seed: 2));
        await _runner.Entered.WaitAsync(Patience);
        await _runner.Entered.WaitAsync(Patience);
        _runner.Gate.Set();

        await Task.WhenAll(a, b).WaitAsync(Patience);
        Assert.Equal(2, _runner.MaxConcurrentRuns);
    }

    private static async Task<InferenceResult[]> RunTogetherCore(DynamicBatcher batcher, FakeTimeProvider time, InferenceRequest[] requests)
    {
        var tasks = requests.Select(request => batcher.InferAsync(request)).ToArray();
        await batcher.WhenIdleAsync();
        time.Advance(Delay);
        return await Task.WhenAll(tasks).WaitAsync(Patience);
    }

    private Task<InferenceResult[]> RunTogether(DynamicBatcher batcher, params InferenceRequest[] requests) =>
        RunTogetherCore(batcher, _time, requests);

    private DynamicBatcher Create(
        int maxBatchSize, TimeSpan? delay = null, int[]? preferred = null, int maxQueued = 1024, TimeSpan? defaultTimeout = null, int concurrentRuns = 1) =>
        new(_runner, new BatchingOptions
        {
            MaxBatchSize = maxBatchSize,
            MaxQueueDelay = delay ?? Delay,
            PreferredBatchSizes = preferred ?? [],
            MaxQueuedItems = maxQueued,
            DefaultTimeout = defaultTimeout ?? TimeSpan.FromDays(1),
            MaxConcurrentRuns = concurrentRuns,
        }, _time, items => { lock (_executed) { _executed.Add(items); } });
}
