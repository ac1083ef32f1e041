using Wharf.Serving.Inference;
using Wharf.Serving.Metrics;
using Wharf.Serving.Onnx;

namespace Wharf.Serving.Models;

/// <summary>
/// A READY model version: its runner, its scheduler and its metrics. Requests hold a lease while they use it, so
/// unloading disposes the scheduler first (waiting requests are refused with 503), then waits for the requests still
/// running, and only then closes the ONNX Runtime session under them.
/// </summary>
internal sealed class LoadedModelVersion(
    string name, string version, OnnxInferenceRunner runner, IInferenceScheduler scheduler, ModelVersionMetrics metrics) : IAsyncDisposable
{
    private readonly TaskCompletionSource drained = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private int leases;
    private int disposing;

    public string Name { get; } = name;

    public string Version { get; } = version;

    public ModelSignature Signature => runner.Signature;

    public bool HasBatchDimension => runner.HasBatchDimension;

    public IInferenceScheduler Scheduler { get; } = scheduler;

    public ModelVersionMetrics Metrics { get; } = metrics;

    /// <summary>Takes a lease; false once unloading started (the caller answers 503).</summary>
    public bool TryAcquire()
    {
        Interlocked.Increment(ref leases);
        if (Volatile.Read(ref disposing) == 0)
        {
            return true;
        }

        Release();
        return false;
    }

    public void Release()
    {
        if (Interlocked.Decrement(ref leases) == 0 && Volatile.Read(ref disposing) != 0)
        {
            drained.TrySetResult();
        }
    }

    public async ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref disposing, 1) != 0)
        {
            return;
        }

        await Scheduler.DisposeAsync();
        if (Volatile.Read(ref leases) == 0)
        {
            drained.TrySetResult();
        }

        await drained.Task;
        runner.Dispose();
    }
}
