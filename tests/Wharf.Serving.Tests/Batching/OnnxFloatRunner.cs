using System.Runtime.InteropServices;
using Microsoft.ML.OnnxRuntime;
using Wharf.Serving.Inference;

namespace Wharf.Serving.Tests.Batching;

/// <summary>
/// A test-only runner over a real ONNX Runtime session, for FP32 inputs and outputs only. Its first run can be
/// held at a gate so a test can line requests up behind it.
/// </summary>
internal sealed class OnnxFloatRunner(InferenceSession session) : IInferenceRunner
{
    public bool HasBatchDimension => true;

    public ManualResetEventSlim Gate { get; } = new(initialState: true);

    public SemaphoreSlim Entered { get; } = new(0);

    public IReadOnlyList<InferenceTensor> Run(IReadOnlyList<InferenceTensor> inputs, IReadOnlyList<string> outputNames)
    {
        Entered.Release();
        if (!Gate.Wait(TimeSpan.FromMinutes(1)))
        {
            throw new TimeoutException("The test never opened the gate.");
        }

        var values = new OrtValue[inputs.Count];
        try
        {
            for (var i = 0; i < inputs.Count; i++)
            {
                var floats = MemoryMarshal.Cast<byte, float>(inputs[i].Data.Span).ToArray();
                values[i] = OrtValue.CreateTensorValueFromMemory(floats, inputs[i].Shape);
            }

            using var runOptions = new RunOptions();
            using var results = session.Run(runOptions, [.. inputs.Select(input => input.Name)], values, [.. outputNames]);
            return [.. results.Select((result, k) => new InferenceTensor(
                outputNames[k],
                TensorDataType.Fp32,
                result.GetTensorTypeAndShape().Shape,
                MemoryMarshal.AsBytes(result.GetTensorDataAsSpan<float>()).ToArray()))];
        }
        finally
        {
            foreach (var value in values)
            {
                value?.Dispose();
            }
        }
    }
}
