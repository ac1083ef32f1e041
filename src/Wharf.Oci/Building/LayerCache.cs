using System.Collections.Concurrent;

namespace Wharf.Oci.Building;

/// <summary>
/// Remembers the result of writing a <see cref="DeterministicLayer"/> by <see cref="DeterministicLayer.ComputeCacheKey"/>,
/// so a layer from unchanged files (same paths, lengths and last write times) is not rebuilt when the sink already has
/// its blob. Like make, it trusts file timestamps: a file rewritten with the same length and timestamp is not noticed.
/// Thread-safe; lives as long as the process keeps it.
/// </summary>
public sealed class LayerCache
{
    private readonly ConcurrentDictionary<string, LayerWriteResult> _results = new(StringComparer.Ordinal);

    /// <summary>A cache shared by the whole process.</summary>
    public static LayerCache Shared { get; } = new();

    /// <summary>The number of layers remembered.</summary>
    public int Count => _results.Count;

    /// <summary>Looks a layer up by key.</summary>
    /// <param name="key">The key from <see cref="DeterministicLayer.ComputeCacheKey"/>.</param>
    /// <param name="result">The remembered result.</param>
    public bool TryGet(string key, [System.Diagnostics.CodeAnalysis.NotNullWhen(true)] out LayerWriteResult? result)
        => _results.TryGetValue(key, out result);

    /// <summary>Remembers a layer's result.</summary>
    /// <param name="key">The key from <see cref="DeterministicLayer.ComputeCacheKey"/>.</param>
    /// <param name="result">The result of writing it.</param>
    public void Set(string key, LayerWriteResult result) => _results[key] = result;
}
