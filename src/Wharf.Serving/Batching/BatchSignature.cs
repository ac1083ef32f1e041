using Wharf.Serving.Inference;

namespace Wharf.Serving.Batching;

/// <summary>
/// What requests must agree on to share a batch: the same inputs in the same order with the same datatypes and
/// the same dimensions after the first, and the same requested outputs. Compares the request's own arrays, so
/// building one copies nothing.
/// </summary>
internal sealed class BatchSignature : IEquatable<BatchSignature>
{
    private readonly IReadOnlyList<InferenceTensor> _inputs;
    private readonly IReadOnlyList<string> _outputNames;
    private readonly int _hashCode;

    private BatchSignature(IReadOnlyList<InferenceTensor> inputs, IReadOnlyList<string> outputNames)
    {
        _inputs = inputs;
        _outputNames = outputNames;
        var hash = new HashCode();
        foreach (var input in inputs)
        {
            hash.Add(input.Name, StringComparer.Ordinal);
            hash.Add(input.DataType);
            for (var d = 1; d < input.Shape.Length; d++)
            {
                hash.Add(input.Shape[d]);
            }
        }

        foreach (var name in outputNames)
        {
            hash.Add(name, StringComparer.Ordinal);
        }

        _hashCode = hash.ToHashCode();
    }

    /// <summary>
    /// The request's signature and its rows, or null when it cannot be batched: no inputs or outputs, a scalar
    /// input, inputs that disagree on the first dimension, zero rows, or fixed-size data whose length is not what
    /// the shape says (such a request runs alone and the runtime reports the problem to its caller only).
    /// </summary>
    public static BatchSignature? TryCreate(InferenceRequest request, out int rows)
    {
        rows = 0;
        var inputs = request.Inputs;
        if (inputs.Count == 0 || request.OutputNames.Count == 0 || inputs[0].Shape.Length == 0)
        {
            return null;
        }

        var first = inputs[0].Shape[0];
        if (first is < 1 or > int.MaxValue)
        {
            return null;
        }

        foreach (var input in inputs)
        {
            if (input.Shape.Length == 0 || input.Shape[0] != first || !HasConsistentLength(input))
            {
                return null;
            }
        }

        rows = (int)first;
        return new BatchSignature(inputs, request.OutputNames);
    }

    public bool Equals(BatchSignature? other)
    {
        if (ReferenceEquals(this, other))
        {
            return true;
        }

        if (other is null || other._hashCode != _hashCode || other._inputs.Count != _inputs.Count
            || other._outputNames.Count != _outputNames.Count)
        {
            return false;
        }

        for (var i = 0; i < _inputs.Count; i++)
        {
            InferenceTensor a = _inputs[i], b = other._inputs[i];
            if (a.DataType != b.DataType || a.Shape.Length != b.Shape.Length || !string.Equals(a.Name, b.Name, StringComparison.Ordinal)
                || !a.Shape.AsSpan(1).SequenceEqual(b.Shape.AsSpan(1)))
            {
                return false;
            }
        }

        for (var i = 0; i < _outputNames.Count; i++)
        {
            if (!string.Equals(_outputNames[i], other._outputNames[i], StringComparison.Ordinal))
            {
                return false;
            }
        }

        return true;
    }

    public override bool Equals(object? obj) => obj is BatchSignature other && Equals(other);

    public override int GetHashCode() => _hashCode;

    private static bool HasConsistentLength(InferenceTensor input)
    {
        foreach (var dimension in input.Shape)
        {
            if (dimension < 0)
            {
                return false;
            }
        }

        // BYTES elements carry their own lengths; concatenation appends them whole, so only splitting outputs walks them.
        if (input.DataType == TensorDataType.Bytes)
        {
            return true;
        }

        try
        {
            return checked(input.ElementCount * input.DataType.ElementSize()) == input.Data.Length;
        }
        catch (OverflowException)
        {
            return false;
        }
    }
}
