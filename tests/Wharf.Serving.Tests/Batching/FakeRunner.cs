using System.Buffers.Binary;
using Wharf.Serving.Inference;

namespace Wharf.Serving.Tests.Batching;

/// <summary>
/// A runner whose every output row depends only on the same input row, so a mis-split batch shows: output k is
/// input k (mod the input count) transformed, fixed-size data with every byte inverted, BYTES with every element
/// written twice (so output rows have other lengths than input rows). It records copies of every batch it ran,
/// can hold runs at a gate, and can fail runs on demand.
/// </summary>
internal sealed class FakeRunner(bool hasBatchDimension = true) : IInferenceRunner
{
    private readonly Lock _lock = new();
    private readonly List<IReadOnlyList<InferenceTensor>> _runs = [];
    private int _running;
    private int _maxRunning;

    public bool HasBatchDimension => hasBatchDimension;

    /// <summary>Runs wait here while it is closed; open by default.</summary>
    public ManualResetEventSlim Gate { get; } = new(initialState: true);

    /// <summary>Released once by every run as it starts.</summary>
    public SemaphoreSlim Entered { get; } = new(0);

    /// <summary>Called by every run after the gate, e.g. to move a fake clock as if the run took time.</summary>
    public Action? DuringRun { get; set; }

    /// <summary>When set, every output claims this many rows whatever the batch had.</summary>
    public long? WrongRows { get; set; }

    /// <summary>Runs whose inputs match throw <see cref="InvalidOperationException"/>.</summary>
    public Func<IReadOnlyList<InferenceTensor>, bool>? FailWhen { get; set; }

    public IReadOnlyList<IReadOnlyList<InferenceTensor>> Runs
    {
        get
        {
            lock (_lock)
            {
                return [.. _runs];
            }
        }
    }

    /// <summary>The first dimension of the first input of every run, in order.</summary>
    public IReadOnlyList<long> RunRows => [.. Runs.Select(run => run[0].Shape[0])];

    public int MaxConcurrentRuns => Volatile.Read(ref _maxRunning);

    /// <summary>The inputs and outputs of the latest run, as passed and returned (not copies).</summary>
    public IReadOnlyList<InferenceTensor>? LastInputs { get; private set; }

    public IReadOnlyList<InferenceTensor>? LastOutputs { get; private set; }

    /// <summary>What this runner answers for <paramref name="input"/> alone, under the name <paramref name="name"/>.</summary>
    public static InferenceTensor Transform(InferenceTensor input, string name)
    {
        var source = input.Data.Span;
        byte[] data;
        if (input.DataType == TensorDataType.Bytes)
        {
            using var buffer = new MemoryStream();
            var offset = 0;
            Span<byte> prefix = stackalloc byte[4];
            while (offset < source.Length)
            {
                var length = (int)BinaryPrimitives.ReadUInt32LittleEndian(source[offset..]);
                var element = source.Slice(offset + 4, length);
                BinaryPrimitives.WriteUInt32LittleEndian(prefix, (uint)(length * 2));
                buffer.Write(prefix);
                buffer.Write(element);
                buffer.Write(element);
                offset += 4 + length;
            }

            data = buffer.ToArray();
        }
        else
        {
            data = new byte[source.Length];
            for (var i = 0; i < data.Length; i++)
            {
                data[i] = (byte)~source[i];
            }
        }

        return new InferenceTensor(name, input.DataType, (long[])input.Shape.Clone(), data);
    }

    public IReadOnlyList<InferenceTensor> Run(IReadOnlyList<InferenceTensor> inputs, IReadOnlyList<string> outputNames)
    {
        lock (_lock)
        {
            // Copies: the batcher returns its concatenation buffers to the pool after the run.
            _runs.Add([.. inputs.Select(input => input with { Shape = (long[])input.Shape.Clone(), Data = input.Data.ToArray() })]);
            _maxRunning = Math.Max(_maxRunning, ++_running);
        }

        try
        {
            Entered.Release();
            if (!Gate.Wait(TimeSpan.FromMinutes(1)))
            {
                throw new TimeoutException("The test never opened the gate.");
            }

            DuringRun?.Invoke();
            if (FailWhen?.Invoke(inputs) == true)
            {
                throw new InvalidOperationException("The fake runner failed as asked.");
            }

            IReadOnlyList<InferenceTensor> outputs = [.. outputNames.Select((name, k) => Transform(inputs[k % inputs.Count], name))];
            if (WrongRows is { } rows)
            {
                outputs = [.. outputs.Select(output => output with { Shape = [rows, .. output.Shape[1..]] })];
            }

            lock (_lock)
            {
                LastInputs = inputs;
                LastOutputs = outputs;
            }

            return outputs;
        }
        finally
        {
            lock (_lock)
            {
                _running--;
            }
        }
    }
}
