using Wharf.Serving.Batching;
using Wharf.Serving.Inference;

namespace Wharf.Serving.Models;

/// <summary>
/// Makes the scheduler of a loaded model version. The one implementation defers to
/// <see cref="InferenceSchedulers.Create"/>; the seam exists so HTTP tests can stand in a scheduler that refuses.
/// </summary>
internal interface IInferenceSchedulerFactory
{
    IInferenceScheduler Create(IInferenceRunner runner, BatchingOptions options, TimeProvider timeProvider, Action<int>? batchExecuted);
}
