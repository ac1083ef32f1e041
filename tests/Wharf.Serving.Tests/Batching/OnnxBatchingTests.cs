using System.Runtime.InteropServices;
using Microsoft.ML.OnnxRuntime;
using Wharf.Serving.Batching;
using Wharf.Serving.Inference;
using Wharf.TestModels;
using static Wharf.Serving.Tests.Batching.TestTensors;

namespace Wharf.Serving.Tests.Batching;

/// <summary>
/// Dynamic batching over a real ONNX Runtime model must not change a single bit of anyone's answer. Exact equality
/// holds here because ONNX Runtime's CPU MatMul (MLAS) accumulates each output element over K in the same order
/// whatever the number of rows M, and splits work across threads by rows and columns, never along K; if a runtime
/// version ever breaks that, this test is the one to say so.
/// </summary>
public sealed class OnnxBatchingTests
{
    private const int Clients = 32;
    private const int RequestsPerClient = 8;
    private const int Width = 8;

    [Fact]
    public async Task InferAsync_32ConcurrentClients_EveryOutputBitwiseEqualToRunningAlone()
    {
        using var session = new InferenceSession(MlpModelWriter.Serialize(Width, hidden: 16, outputs: 4, seed: 42));
        var runner = new OnnxFloatRunner(session);
        var options = new BatchingOptions { MaxBatchSize = 32, MaxQueueDelay = TimeSpan.FromMilliseconds(2), MaxQueuedItems = 4096 };
        await using var batcher = new DynamicBatcher(runner, options, TimeProvider.System, batchExecuted: null);
        var requests = Enumerable.Range(0, Clients).Select(client =>
        {
            var random = new Random(client);
            return Enumerable.Range(0, RequestsPerClient).Select(_ => Request(random, random.Next(1, 5))).ToArray();
        }).ToArray();

        // Hold the loop in a first run while every client queues its first request, so the next batch is sure to
        // hold many requests; then let the clients go on concurrently.
        runner.Gate.Reset();
        var blocker = InferElsewhereAsync(batcher, Request(new Random(-1), 1));
        await runner.Entered.WaitAsync(Patience);
        var firsts = requests.Select(client => batcher.InferAsync(client[0])).ToArray();
        runner.Gate.Set();
        var results = await Task.WhenAll(requests.Select((client, c) => Task.Run(async () =>
        {
            var answers = new InferenceResult[client.Length];
            answers[0] = await firsts[c];
            for (var i = 1; i < client.Length; i++)
            {
                answers[i] = await batcher.InferAsync(client[i]);
            }

            return answers;
        }))).WaitAsync(Patience);
        await blocker;

        var sharedBatches = 0;
        for (var c = 0; c < Clients; c++)
        {
            for (var i = 0; i < RequestsPerClient; i++)
            {
                var request = requests[c][i];
                var result = results[c][i];
                var alone = runner.Run(request.Inputs, request.OutputNames);
                var output = Assert.Single(result.Outputs);
                Assert.Equal(alone[0].Shape, output.Shape);
                Assert.Equal(alone[0].Data.ToArray(), output.Data.ToArray());
                if (result.BatchItems > request.Inputs[0].Shape[0])
                {
                    sharedBatches++;
                }
            }
        }

        Assert.True(sharedBatches > 1, "no request shared a batch with another");
    }

    private static InferenceRequest Request(Random random, int rows)
    {
        var values = new float[rows * Width];
        for (var i = 0; i < values.Length; i++)
        {
            values[i] = (float)((random.NextDouble() * 4) - 2);
        }

        return new([new InferenceTensor(MlpModelWriter.InputName, TensorDataType.Fp32, [rows, Width], MemoryMarshal.AsBytes(values.AsSpan()).ToArray())],
            [MlpModelWriter.OutputName]);
    }
}
