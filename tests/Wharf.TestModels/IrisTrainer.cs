using System.Collections.Immutable;
using Microsoft.ML;
using Microsoft.ML.Data;
using Microsoft.ML.Trainers;
using Microsoft.ML.Transforms;

namespace Wharf.TestModels;

/// <summary>
/// Trains a multiclass classifier on iris with ML.NET (min-max normalization, then L-BFGS maximum entropy, i.e.
/// multinomial logistic regression) and extracts its parameters. Training is deterministic: the same data and
/// seed give the same parameters.
/// </summary>
public static class IrisTrainer
{
    internal const int ClassCount = 3;

    // ML.NET's defaults (L1 = L2 = 1) are strong for 120 samples: they zero some weights and cost a few points of
    // accuracy. Light L2 alone fits iris well.
    private const float L2Regularization = 0.01f;

    /// <summary>Trains on <paramref name="train"/>.</summary>
    /// <param name="train">Training samples; every class must occur.</param>
    /// <param name="seed">ML.NET's seed.</param>
    public static IrisModel Train(IrisData train, int seed = 0)
    {
        ArgumentNullException.ThrowIfNull(train);
        if (train.ClassNames.Count != ClassCount)
        {
            throw new ArgumentException($"iris has {ClassCount} classes, the data names {train.ClassNames.Count}.", nameof(train));
        }

        // ByValue keeps class index i at key i, which is what the ONNX graph's ArgMax returns.
        var mlContext = new MLContext(seed);
        var pipeline = mlContext.Transforms.Conversion.MapValueToKey(
                "Label", keyOrdinality: ValueToKeyMappingEstimator.KeyOrdinality.ByValue)
            .Append(mlContext.Transforms.NormalizeMinMax("Features", fixZero: false))
            .Append(mlContext.MulticlassClassification.Trainers.LbfgsMaximumEntropy(
                "Label", "Features", l1Regularization: 0f, l2Regularization: L2Regularization))
            .Append(mlContext.Transforms.Conversion.MapKeyToValue("PredictedLabel"));
        var model = pipeline.Fit(ToDataView(mlContext, train));

        var normalizer = model.OfType<NormalizingTransformer>().Single();
        var affine = (NormalizingTransformer.AffineNormalizerModelParameters<ImmutableArray<float>>)
            normalizer.GetNormalizerModelParameters(0);
        var classifier = model.OfType<MulticlassPredictionTransformer<MaximumEntropyModelParameters>>().Single();
        var parameters = ExtractParameters(affine, classifier.Model);
        return new IrisModel(mlContext, model, parameters, train.ClassNames);
    }

    internal static IDataView ToDataView(MLContext mlContext, IrisData data) =>
        mlContext.Data.LoadFromEnumerable(data.Samples.Select(sample => new TrainingRow
        {
            Features = sample.ToFeatures(),
            Label = sample.Label,
        }));

    private static LinearClassifierParameters ExtractParameters(
        NormalizingTransformer.AffineNormalizerModelParameters<ImmutableArray<float>> normalizer,
        MaximumEntropyModelParameters classifier)
    {
        const int featureCount = IrisData.FeatureCount;

        // ML.NET leaves the offset empty when every offset is zero.
        var offset = normalizer.Offset.IsDefaultOrEmpty ? new float[featureCount] : normalizer.Offset.ToArray();
        var scale = normalizer.Scale.ToArray();

        VBuffer<float>[] classWeights = [];
        classifier.GetWeights(ref classWeights, out var classCount);
        var biases = classifier.GetBiases().ToArray();
        if (classCount != ClassCount || biases.Length != ClassCount)
        {
            throw new InvalidOperationException($"The trained model has {classCount} classes, expected {ClassCount}.");
        }

        // ML.NET keeps one weight vector per class; the ONNX MatMul wants [features, classes].
        var weights = new float[featureCount * classCount];
        for (var c = 0; c < classCount; c++)
        {
            var dense = classWeights[c].DenseValues().ToArray();
            for (var f = 0; f < featureCount; f++)
            {
                weights[f * classCount + c] = dense[f];
            }
        }

        return new LinearClassifierParameters(offset, scale, weights, biases, featureCount);
    }

    private sealed class TrainingRow
    {
        [VectorType(IrisData.FeatureCount)]
        public float[] Features { get; set; } = [];

        public int Label { get; set; }
    }
}
