namespace Wharf.Benchmarks.Tracking;

/// <summary>
/// One database engine the tracking benchmark runs on: how a Wharf server is pointed at a fresh database of it, and the
/// anchor's own way of writing the same rows straight into that database.
/// </summary>
internal abstract class TrackingEngine
{
    public abstract string Name { get; }

    /// <summary>The server arguments that give a server a database of its own, named after <paramref name="directory"/>.</summary>
    public abstract Task<string[]> ServerArgumentsAsync(string directory);

    /// <summary>A writer of the anchor: 1,000 metric rows per transaction the engine's fastest way (multi-row INSERT, COPY).</summary>
    public abstract Task<RawMetricWriter> OpenWriterAsync(string directory);

    /// <summary>Seeds runs straight into the database of <paramref name="directory"/> (setup, not measured), then analyzes it.</summary>
    public abstract Task SeedAsync(string directory, long experiment, IEnumerable<SeedRun> runs);

    /// <summary>Seeds <paramref name="count"/> points of one metric (steps 0..count-1) of a run straight into the database.</summary>
    public abstract Task SeedHistoryAsync(string directory, string run, string key, int count);

    /// <summary>Drops what the engine made outside the benchmark's directory.</summary>
    public virtual Task CleanUpAsync() => Task.CompletedTask;
}
