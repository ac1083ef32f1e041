namespace Wharf.Benchmarks.Tracking;

/// <summary>The anchor side of the ingest benchmark: writes one batch of metric rows in its own transaction.</summary>
internal abstract class RawMetricWriter : IAsyncDisposable
{
    public const int BatchSize = 1000;

    /// <summary>Writes the batch a log-batch of <see cref="BatchSize"/> metrics starting at <paramref name="firstStep"/> carries.</summary>
    public abstract Task InsertAsync(string run, long firstStep);

    public abstract ValueTask DisposeAsync();

    /// <summary>The value of point <paramref name="i"/>: the same on both sides.</summary>
    public static double Value(long i) => (i % 1000) / 1000.0;
}
