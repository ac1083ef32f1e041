using Microsoft.ML.OnnxRuntime;
using Microsoft.ML.OnnxRuntime.Tensors;

namespace Wharf.TestModels.Tests;

public sealed class OnnxModelWriterTests(IrisModelFixture fixture) : IClassFixture<IrisModelFixture>
{
    [Fact]
    public void WriteIris_LoadsInOnnxRuntime_WithTheWrittenSignature()
    {
        using var session = new InferenceSession(fixture.ModelPath);

        var input = Assert.Single(session.InputMetadata);
        Assert.Equal(OnnxModelWriter.InputName, input.Key);
        Assert.Equal(TensorElementType.Float, input.Value.ElementDataType);
        Assert.Equal([-1, 4], input.Value.Dimensions);
        Assert.Equal(OnnxModelWriter.BatchDimension, input.Value.SymbolicDimensions[0]);

        Assert.Equal([OnnxModelWriter.ProbabilitiesName, OnnxModelWriter.LabelName], session.OutputNames);
        var probabilities = session.OutputMetadata[OnnxModelWriter.ProbabilitiesName];
        Assert.Equal(TensorElementType.Float, probabilities.ElementDataType);
        Assert.Equal([-1, 3], probabilities.Dimensions);
        Assert.Equal(OnnxModelWriter.BatchDimension, probabilities.SymbolicDimensions[0]);
        var label = session.OutputMetadata[OnnxModelWriter.LabelName];
        Assert.Equal(TensorElementType.Int64, label.ElementDataType);
        Assert.Equal([-1], label.Dimensions);
        Assert.Equal(OnnxModelWriter.BatchDimension, label.SymbolicDimensions[0]);

        Assert.Equal(OnnxModelWriter.ProducerName, session.ModelMetadata.ProducerName);
    }

    [Fact]
    public void WriteIris_OnHeldOutSplit_PredictsWhatMlNetPredicts()
    {
        var (labels, probabilities) = RunOnnx(fixture.ModelPath, fixture.Test);

        var expected = fixture.Model.Predict(fixture.Test);

        Assert.Equal(fixture.Test.Count, expected.Count);
        Assert.Equal(expected.Select(p => (long)p.Label), labels);
        for (var row = 0; row < expected.Count; row++)
        {
            for (var c = 0; c < 3; c++)
            {
                Assert.Equal(expected[row].Probabilities[c], probabilities[row * 3 + c], 1e-5f);
            }
        }
    }

    [Fact]
    public void WriteIris_OnHeldOutSplit_IsAtLeast90PercentAccurate()
    {
        var (labels, _) = RunOnnx(fixture.ModelPath, fixture.Test);

        var correct = labels.Zip(fixture.Test.ToLabels()).Count(pair => pair.First == pair.Second);

        Assert.True(correct >= 0.9 * fixture.Test.Count, $"{correct} of {fixture.Test.Count} correct");
    }

    [Fact]
    public void WriteIris_BatchOfOne_AnswersLikeTheFullBatch()
    {
        var (allLabels, allProbabilities) = RunOnnx(fixture.ModelPath, fixture.Test.ToFeatureMatrix(), fixture.Test.Count);

        var (labels, probabilities) = RunOnnx(fixture.ModelPath, fixture.Test.Samples[^1].ToFeatures(), 1);

        Assert.Equal([allLabels[^1]], labels);
        for (var c = 0; c < 3; c++)
        {
            Assert.Equal(allProbabilities[^3..][c], probabilities[c], 1e-6f);
        }

        Assert.Equal(1f, probabilities.Sum(), 1e-5f);
    }

    [Fact]
    public void Serialize_SameModel_GivesIdenticalBytes()
    {
        var again = Path.Combine(fixture.Directory.FullName, "again.onnx");

        OnnxModelWriter.WriteIris(fixture.Model, again);

        Assert.Equal(File.ReadAllBytes(fixture.ModelPath), File.ReadAllBytes(again));
    }

    [Fact]
    public void Serialize_RetrainedOnSameSplit_GivesIdenticalBytes()
    {
        var retrained = IrisTrainer.Train(fixture.Train);

        Assert.Equal(File.ReadAllBytes(fixture.ModelPath), OnnxModelWriter.Serialize(retrained.Parameters));
    }

    private static (long[] Labels, float[] Probabilities) RunOnnx(string modelPath, IrisData data) =>
        RunOnnx(modelPath, data.ToFeatureMatrix(), data.Count);

    private static (long[] Labels, float[] Probabilities) RunOnnx(string modelPath, float[] features, int rows)
    {
        using var session = new InferenceSession(modelPath);
        using var input = OrtValue.CreateTensorValueFromMemory(features, [rows, IrisData.FeatureCount]);
        using var runOptions = new RunOptions();
        using var outputs = session.Run(
            runOptions, [OnnxModelWriter.InputName], [input], [OnnxModelWriter.ProbabilitiesName, OnnxModelWriter.LabelName]);

        Assert.Equal([rows, 3], outputs[0].GetTensorTypeAndShape().Shape);
        Assert.Equal([rows], outputs[1].GetTensorTypeAndShape().Shape);
        return (outputs[1].GetTensorDataAsSpan<long>().ToArray(), outputs[0].GetTensorDataAsSpan<float>().ToArray());
    }
}
