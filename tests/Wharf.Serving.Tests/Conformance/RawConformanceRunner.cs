using Microsoft.ML.OnnxRuntime;
using Wharf.Serving.Inference;

namespace Wharf.Serving.Tests.Conformance;

/// <summary>
/// Runs one test straight through ONNX Runtime (default session options), feeding the inputs by the session's input
/// names in order, and classifies it. This is the reference the HTTP run is held to.
/// </summary>
internal static class RawConformanceRunner
{
    public static ConformanceOutcome Run(OnnxTestCase testCase)
    {
        if (!testCase.HasModel)
        {
            return new(ConformanceOutcomeKind.NoModel, "no model.onnx in the package (data.json names a download)");
        }

        OnnxModelSignature signature;
        try
        {
            signature = OnnxModelSignature.Read(testCase.ModelPath);
        }
        catch (Exception e) when (e is InvalidDataException or Google.Protobuf.InvalidProtocolBufferException)
        {
            return new(ConformanceOutcomeKind.FailsRaw, $"model.onnx unreadable: {e.Message}");
        }

        if (signature.ProtocolProblem() is { } problem)
        {
            return new(ConformanceOutcomeKind.UnsupportedByProtocol, problem);
        }

        InferenceSession session;
        try
        {
            // Default options except the log level: load failures come back as exceptions and are reported.
            using var options = new SessionOptions { LogSeverityLevel = OrtLoggingLevel.ORT_LOGGING_LEVEL_FATAL };
            session = new InferenceSession(testCase.ModelPath, options);
        }
        catch (OnnxRuntimeException e)
        {
            return new(ConformanceOutcomeKind.FailsRaw, "load: " + e.Message);
        }

        using (session)
        using (var runOptions = new RunOptions())
        {
            foreach (var dataSet in testCase.DataSets)
            {
                var outcome = RunDataSet(session, runOptions, dataSet);
                if (outcome.Kind != ConformanceOutcomeKind.Pass)
                {
                    return outcome;
                }
            }
        }

        return ConformanceOutcome.Pass;
    }

    private static ConformanceOutcome RunDataSet(InferenceSession session, RunOptions runOptions, OnnxTestDataSet dataSet)
    {
        IReadOnlyList<InferenceTensor> inputs, expected;
        try
        {
            inputs = dataSet.ReadInputs();
            expected = dataSet.ReadOutputs();
        }
        catch (UnsupportedByProtocolException e)
        {
            return new(ConformanceOutcomeKind.UnsupportedByProtocol, e.Message);
        }
        catch (Exception e) when (e is InvalidDataException or Google.Protobuf.InvalidProtocolBufferException)
        {
            return new(ConformanceOutcomeKind.BadTestData, $"{Path.GetFileName(dataSet.DirectoryPath)}: {e.Message}");
        }

        if (inputs.Count > session.InputNames.Count)
        {
            return new(ConformanceOutcomeKind.FailsRaw, $"run: {inputs.Count} input files for {session.InputNames.Count} model inputs");
        }

        IReadOnlyList<InferenceTensor> actual;
        var ortInputs = new List<OrtValue>();
        try
        {
            ortInputs.AddRange(inputs.Select(OrtTensors.ToOrtValue));
            using var results = session.Run(runOptions, [.. session.InputNames.Take(inputs.Count)], ortInputs, session.OutputNames);
            actual = [.. results.Select((value, i) => OrtTensors.ToInferenceTensor(session.OutputNames[i], value))];
        }
        catch (OnnxRuntimeException e)
        {
            return new(ConformanceOutcomeKind.FailsRaw, "run: " + e.Message);
        }
        catch (UnsupportedByProtocolException e)
        {
            return new(ConformanceOutcomeKind.UnsupportedByProtocol, e.Message);
        }
        finally
        {
            ortInputs.ForEach(v => v.Dispose());
        }

        return Compare(expected, actual, "wrong result");
    }

    /// <summary>Compares outputs position by position (output_K.pb is the model's K-th output).</summary>
    public static ConformanceOutcome Compare(IReadOnlyList<InferenceTensor> expected, IReadOnlyList<InferenceTensor> actual, string failure)
    {
        if (expected.Count > actual.Count)
        {
            return new(ConformanceOutcomeKind.FailsRaw, $"{failure}: {actual.Count} outputs, expected {expected.Count}");
        }

        for (var i = 0; i < expected.Count; i++)
        {
            if (TensorComparer.Difference(expected[i], actual[i]) is { } difference)
            {
                return new(ConformanceOutcomeKind.FailsRaw, $"{failure}: output {i} '{actual[i].Name}': {difference}");
            }
        }

        return ConformanceOutcome.Pass;
    }
}
