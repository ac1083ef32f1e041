namespace Wharf.TestModels;

/// <summary>
/// A normalized linear multiclass classifier:
/// <c>probabilities = softmax(((x - Offset) * Scale) · Weights + Biases)</c>, <c>label = argmax(probabilities)</c>.
/// This is exactly what the ONNX graph written by <see cref="OnnxModelWriter"/> computes.
/// </summary>
public sealed class LinearClassifierParameters
{
    /// <summary>Creates the parameters, checking that their lengths agree.</summary>
    /// <param name="offset">Per-feature offset subtracted first (length <paramref name="featureCount"/>).</param>
    /// <param name="scale">Per-feature scale multiplied after the offset (length <paramref name="featureCount"/>).</param>
    /// <param name="weights">Row-major <c>[featureCount, classCount]</c> weight matrix.</param>
    /// <param name="biases">Per-class bias (length <c>classCount</c>).</param>
    /// <param name="featureCount">Number of input features.</param>
    public LinearClassifierParameters(float[] offset, float[] scale, float[] weights, float[] biases, int featureCount)
    {
        ArgumentNullException.ThrowIfNull(offset);
        ArgumentNullException.ThrowIfNull(scale);
        ArgumentNullException.ThrowIfNull(weights);
        ArgumentNullException.ThrowIfNull(biases);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(featureCount);
        if (offset.Length != featureCount || scale.Length != featureCount)
        {
            throw new ArgumentException($"offset and scale must have {featureCount} values.", nameof(offset));
        }

        if (biases.Length == 0 || weights.Length != featureCount * biases.Length)
        {
            throw new ArgumentException(
                $"weights must have featureCount x classCount = {featureCount} x {biases.Length} values.", nameof(weights));
        }

        Offset = [.. offset];
        Scale = [.. scale];
        Weights = [.. weights];
        Biases = [.. biases];
        FeatureCount = featureCount;
    }

    /// <summary>Number of input features.</summary>
    public int FeatureCount { get; }

    /// <summary>Number of classes.</summary>
    public int ClassCount => Biases.Count;

    /// <summary>Per-feature offset, subtracted before scaling.</summary>
    public IReadOnlyList<float> Offset { get; }

    /// <summary>Per-feature scale, multiplied after the offset is subtracted.</summary>
    public IReadOnlyList<float> Scale { get; }

    /// <summary>Row-major <c>[FeatureCount, ClassCount]</c> weights: <c>Weights[f * ClassCount + c]</c>.</summary>
    public IReadOnlyList<float> Weights { get; }

    /// <summary>Per-class biases.</summary>
    public IReadOnlyList<float> Biases { get; }
}
