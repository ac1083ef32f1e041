using Wharf.Serving.Batching;
using Wharf.Serving.Inference;

namespace Wharf.Serving.Models;

/// <summary>The schedulers of <see cref="InferenceSchedulers"/>, chosen by the model's batching options.</summary>
internal sealed class InferenceSchedulerFactory : IInferenceSchedulerFactory
{
    public IInferenceScheduler Create(IInferenceRunner runner, BatchingOptions options, TimeProvider timeProvider, Action<int>? batchExecuted) =>
        InferenceSchedulers.Create(runner, options, timeProvider, batchExecuted);
}
