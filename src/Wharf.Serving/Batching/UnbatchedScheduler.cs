using Wharf.Serving.Inference;

namespace Wharf.Serving.Batching;

/// <summary>
/// The simplest scheduler: every request runs on its own as soon as it arrives. A placeholder until the bounded
/// queue and the dynamic batcher land; it honours cancellation before the run and nothing else.
/// </summary>
internal sealed class UnbatchedScheduler(IInferenceRunner runner, TimeProvider timeProvider, Action<int>? batchExecuted) : IInferenceScheduler
{
    public int QueuedItems => 0;

    public Task<InferenceResult> InferAsync(InferenceRequest request, CancellationToken cancellationToken = default)
    {
        cancellationToken.ThrowIfCancellationRequested();
        var start = timeProvider.GetTimestamp();
        var outputs = runner.Run(request.Inputs, request.OutputNames);
        var items = request.Inputs.Count == 0 || request.Inputs[0].Shape.Length == 0 ? 1 : (int)request.Inputs[0].Shape[0];
        batchExecuted?.Invoke(items);
        return Task.FromResult(new InferenceResult(outputs, TimeSpan.Zero, timeProvider.GetElapsedTime(start), items));
    }

    public ValueTask DisposeAsync() => ValueTask.CompletedTask;
}
