using System.Buffers.Binary;
using System.Text;
using Wharf.Serving.Inference;

namespace Wharf.Serving.Tests.Batching;

/// <summary>Builds tensors and requests in the raw layout for the batching tests.</summary>
internal static class TestTensors
{
    public static readonly TimeSpan Patience = TimeSpan.FromMinutes(1);

    /// <summary>
    /// Sends <paramref name="request"/> from a thread-pool thread: a scheduler with nothing queued runs a request on
    /// its caller's thread, so a test that holds the runner at its gate must not be that caller.
    /// </summary>
    public static Task<InferenceResult> InferElsewhereAsync(IInferenceScheduler scheduler, InferenceRequest request) =>
        Task.Run(() => scheduler.InferAsync(request));

    /// <summary>A tensor of <paramref name="shape"/> with seeded random contents (BYTES: strings of 0–5 bytes).</summary>
    public static InferenceTensor Random(string name, TensorDataType dataType, long[] shape, int seed)
    {
        var random = new Random(seed);
        var elements = shape.Aggregate(1L, (a, b) => a * b);
        if (dataType != TensorDataType.Bytes)
        {
            var data = new byte[elements * dataType.ElementSize()];
            random.NextBytes(data);
            return new InferenceTensor(name, dataType, shape, data);
        }

        return Strings(name, shape, [.. Enumerable.Range(0, (int)elements).Select(_ => new string('a', random.Next(6)) + random.Next(10))]);
    }

    /// <summary>A BYTES tensor of UTF-8 strings.</summary>
    public static InferenceTensor Strings(string name, long[] shape, params string[] values)
    {
        using var buffer = new MemoryStream();
        Span<byte> prefix = stackalloc byte[4];
        foreach (var value in values)
        {
            var bytes = Encoding.UTF8.GetBytes(value);
            BinaryPrimitives.WriteUInt32LittleEndian(prefix, (uint)bytes.Length);
            buffer.Write(prefix);
            buffer.Write(bytes);
        }

        return new InferenceTensor(name, TensorDataType.Bytes, shape, buffer.ToArray());
    }

    /// <summary>A request with one FP32 input "x" of <paramref name="rows"/> rows of <paramref name="width"/>, asking for "y".</summary>
    public static InferenceRequest Rows(int rows, int width = 2, int seed = 0, TimeSpan? timeout = null) =>
        new([Random("x", TensorDataType.Fp32, [rows, width], seed)], ["y"], timeout);

    /// <summary>Asserts <paramref name="result"/> is exactly what <see cref="FakeRunner"/> answers for the request alone.</summary>
    public static void AssertAnswers(InferenceRequest request, InferenceResult result)
    {
        Assert.Equal(request.OutputNames.Count, result.Outputs.Count);
        for (var k = 0; k < request.OutputNames.Count; k++)
        {
            var expected = FakeRunner.Transform(request.Inputs[k % request.Inputs.Count], request.OutputNames[k]);
            var actual = result.Outputs[k];
            Assert.Equal(expected.Name, actual.Name);
            Assert.Equal(expected.DataType, actual.DataType);
            Assert.Equal(expected.Shape, actual.Shape);
            Assert.Equal(expected.Data.ToArray(), actual.Data.ToArray());
        }
    }
}
