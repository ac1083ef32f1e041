using System.Net;
using Microsoft.Extensions.DependencyInjection;
using Wharf.Serving.Batching;
using Wharf.Serving.Inference;
using Wharf.Serving.Models;
using Wharf.Serving.Tests.Infrastructure;

namespace Wharf.Serving.Tests.Protocol;

/// <summary>What the HTTP layer does with the scheduler's answers, with stand-in schedulers around the real runner.</summary>
public sealed class SchedulerOutcomeTests : IDisposable
{
    private const string GoodRequest = """{"inputs":[{"name":"x","datatype":"FP32","shape":[1,3],"data":[1,2,3]}]}""";

    private readonly TempDirectory directory = new();

    public SchedulerOutcomeTests() =>
        TestOnnxModels.WriteIdentity(directory.Combine("id", "model.onnx"), TestOnnxModels.Float, null, 3);

    public void Dispose() => directory.Dispose();

    [Fact]
    public async Task Infer_SchedulerRejects_Returns503WithRetryAfterAndError()
    {
        var factory = new StubSchedulerFactory(_ => new StubScheduler((_, _) => throw new InferenceRejectedException("the queue is full", TimeSpan.FromSeconds(2))));
        await using var server = Server(factory);
        using var client = await server.CreateReadyClientAsync();

        using var content = new StringContent(GoodRequest);
        using var response = await client.PostAsync("/v2/models/id/infer", content);

        Assert.Equal("2", response.Headers.GetValues("Retry-After").Single());
        await ServingClient.AssertErrorAsync(HttpStatusCode.ServiceUnavailable, response, "queue is full");
    }

    [Fact]
    public async Task Infer_TimeoutParameter_ReachesTheSchedulerInMilliseconds()
    {
        InferenceRequest? seen = null;
        var factory = new StubSchedulerFactory(runner => new StubScheduler((request, _) =>
        {
            seen = request;
            return Task.FromResult(new InferenceResult(runner.Run(request.Inputs, request.OutputNames), TimeSpan.Zero, TimeSpan.Zero, 1));
        }));
        await using var server = Server(factory);
        using var client = await server.CreateReadyClientAsync();

        var (status, _) = await client.PostJsonAsync("/v2/models/id/infer",
            """{"parameters":{"timeout":250},"inputs":[{"name":"x","datatype":"FP32","shape":[1,3],"data":[1,2,3]}]}""");

        Assert.Equal(HttpStatusCode.OK, status);
        Assert.Equal(TimeSpan.FromMilliseconds(250), seen!.Timeout);
        Assert.Equal(["y"], seen.OutputNames);
    }

    [Fact]
    public async Task Unload_WithARequestWaiting_DisposesTheSchedulerAndTheRequestGets503()
    {
        var entered = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var factory = new StubSchedulerFactory(_ => new StubScheduler(async (_, disposed) =>
        {
            entered.TrySetResult();
            await disposed;
            throw new InferenceRejectedException("the model is being unloaded");
        }));
        await using var server = Server(factory);
        using var client = await server.CreateReadyClientAsync();

        var waiting = client.PostJsonAsync("/v2/models/id/infer", GoodRequest);
        await entered.Task;
        using var unload = await client.PostAsync("/v2/repository/models/id/unload", null);

        Assert.Equal(HttpStatusCode.OK, unload.StatusCode);
        ServingClient.AssertError(HttpStatusCode.ServiceUnavailable, await waiting, "unloaded");
        ServingClient.AssertError(HttpStatusCode.ServiceUnavailable, await client.PostJsonAsync("/v2/models/id/infer", GoodRequest));
    }

    [Fact]
    public async Task Load_BatchingConfiguration_ModelSectionOverridesDefault()
    {
        TestOnnxModels.WriteIdentity(directory.Combine("other", "model.onnx"), TestOnnxModels.Float, null, 3);
        var seen = new Dictionary<IInferenceRunner, BatchingOptions>();
        var factory = new StubSchedulerFactory((runner, options) =>
        {
            lock (seen)
            {
                seen[runner] = options;
            }

            return new StubScheduler((request, _) =>
                Task.FromResult(new InferenceResult(runner.Run(request.Inputs, request.OutputNames), TimeSpan.Zero, TimeSpan.Zero, 1)));
        });
        await using var server = new ServingFactory(
            new Dictionary<string, string?>
            {
                ["Serving:ModelRepository"] = directory.Path,
                ["Serving:Batching:Default:MaxBatchSize"] = "8",
                ["Serving:Batching:Default:PreferredBatchSizes:0"] = "4",
                ["Serving:Batching:Default:MaxQueueDelay"] = "00:00:00.005",
                ["Serving:Batching:id:MaxBatchSize"] = "32",
                ["Serving:Batching:id:PreferredBatchSizes:0"] = "16",
                ["Serving:Batching:id:PreferredBatchSizes:1"] = "32",
            },
            services => services.AddSingleton<IInferenceSchedulerFactory>(factory));
        using var client = await server.CreateReadyClientAsync();

        Assert.Equal(2, seen.Count);
        var id = seen.Values.Single(o => o.MaxBatchSize == 32);
        var other = seen.Values.Single(o => o.MaxBatchSize == 8);
        Assert.Equal([16, 32], id.PreferredBatchSizes);
        Assert.Equal(TimeSpan.FromMilliseconds(5), id.MaxQueueDelay);
        Assert.Equal([4], other.PreferredBatchSizes);
        Assert.True(seen.Keys.All(runner => runner.HasBatchDimension));
    }

    private ServingFactory Server(StubSchedulerFactory factory) => new(
        new Dictionary<string, string?> { ["Serving:ModelRepository"] = directory.Path },
        services => services.AddSingleton<IInferenceSchedulerFactory>(factory));

    private sealed class StubSchedulerFactory(Func<IInferenceRunner, BatchingOptions, IInferenceScheduler> create) : IInferenceSchedulerFactory
    {
        public StubSchedulerFactory(Func<IInferenceRunner, IInferenceScheduler> create)
            : this((runner, _) => create(runner))
        {
        }

        public IInferenceScheduler Create(IInferenceRunner runner, BatchingOptions options, TimeProvider timeProvider, Action<int>? batchExecuted) =>
            create(runner, options);
    }

    /// <summary>Answers with the given function; the task it gets completes when the scheduler is disposed.</summary>
    private sealed class StubScheduler(Func<InferenceRequest, Task, Task<InferenceResult>> infer) : IInferenceScheduler
    {
        private readonly TaskCompletionSource disposed = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public int QueuedItems => 0;

        public Task<InferenceResult> InferAsync(InferenceRequest request, CancellationToken cancellationToken = default) =>
            infer(request, disposed.Task);

        public ValueTask DisposeAsync()
        {
            disposed.TrySetResult();
            return ValueTask.CompletedTask;
        }
    }
}
