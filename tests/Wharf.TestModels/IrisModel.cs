using Microsoft.ML;

namespace Wharf.TestModels;

/// <summary>
/// A classifier trained by <see cref="IrisTrainer"/>: its parameters, ready for <see cref="OnnxModelWriter"/>, and
/// the ML.NET model itself, so tests can compare the ONNX model's answers with ML.NET's.
/// </summary>
public sealed class IrisModel
{
    private readonly MLContext mlContext;
    private readonly ITransformer transformer;

    internal IrisModel(MLContext mlContext, ITransformer transformer, LinearClassifierParameters parameters, IReadOnlyList<string> classNames)
    {
        this.mlContext = mlContext;
        this.transformer = transformer;
        Parameters = parameters;
        ClassNames = classNames;
    }

    /// <summary>The normalization and linear-model parameters extracted from the ML.NET model.</summary>
    public LinearClassifierParameters Parameters { get; }

    /// <summary>Species names, indexed by class.</summary>
    public IReadOnlyList<string> ClassNames { get; }

    /// <summary>ML.NET's own predictions for every sample of <paramref name="data"/>, in order.</summary>
    public IReadOnlyList<IrisPrediction> Predict(IrisData data)
    {
        ArgumentNullException.ThrowIfNull(data);
        var scored = transformer.Transform(IrisTrainer.ToDataView(mlContext, data));
        return mlContext.Data.CreateEnumerable<ScoredRow>(scored, reuseRowObject: false)
            .Select(row => new IrisPrediction(row.PredictedLabel, row.Score))
            .ToArray();
    }

    private sealed class ScoredRow
    {
        public int PredictedLabel { get; set; }

        public float[] Score { get; set; } = [];
    }
}
