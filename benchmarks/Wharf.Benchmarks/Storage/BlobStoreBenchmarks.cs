using BenchmarkDotNet.Attributes;

namespace Wharf.Benchmarks.Storage;

/// <summary>
/// The filesystem blob store next to the physical limit of the same work on the same disk
/// (<c>dotnet run -c Release --project benchmarks/Wharf.Benchmarks -- --filter *BlobStore*</c>).
/// Each write stores new content, so every invocation takes the create path; one invocation per iteration because
/// the cleanup that removes written files must stay outside the measurement.
/// </summary>
[MemoryDiagnoser]
[InvocationCount(1)]
[MinIterationCount(5)]
[MaxIterationCount(15)]
[WarmupCount(2)]
public class BlobStoreBenchmarks
{
    private BlobWorkload _workload = null!;

    [Params(1 << 20, 64 << 20)]
    public int Size { get; set; }

    [GlobalSetup]
    public void Setup()
        => _workload = new BlobWorkload(Path.Combine(Path.GetTempPath(), $"wharf-bdn-{Guid.NewGuid():N}"), Size);

    [GlobalCleanup]
    public void Cleanup() => _workload.Dispose();

    [IterationSetup]
    public void NextContent() => _workload.NextContent();

    [IterationCleanup]
    public void RemoveWrites() => _workload.RemoveWrites();

    [Benchmark(Description = "write: Wharf store (sha256, fsync, rename, dir fsync)")]
    public Task StoreWriteAsync() => _workload.StoreWriteAsync();

    [Benchmark(Description = "write: limit (sha256 + FileStream + fsync)")]
    public string LimitWrite() => _workload.LimitWrite();

    [Benchmark(Description = "write: rename-protocol floor (limit + rename + dir fsync)")]
    public void ProtocolFloorWrite() => _workload.ProtocolFloorWrite();

    [Benchmark(Description = "read: Wharf store")]
    public Task<long> StoreReadAsync() => _workload.StoreReadAsync();

    [Benchmark(Description = "read: limit (raw FileStream)")]
    public Task<long> LimitReadAsync() => _workload.LimitReadAsync();
}
