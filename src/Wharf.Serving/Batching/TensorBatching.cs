using System.Buffers;
using System.Buffers.Binary;
using Wharf.Serving.Inference;

namespace Wharf.Serving.Batching;

/// <summary>
/// Concatenates the inputs of a batch along the first dimension and splits the outputs back, on the raw layout
/// of <see cref="InferenceTensor.Data"/>. Rows of a fixed-size datatype are equal byte slices; BYTES rows are
/// found by walking each element's 4-byte little-endian length prefix. Concatenating needs no walking for any
/// datatype: the rows of each request are already contiguous, so the batch is the requests' bytes end to end.
/// </summary>
internal static class TensorBatching
{
    /// <summary>
    /// The batch's input <paramref name="inputIndex"/>, in a buffer rented from the shared pool that the caller
    /// returns once the run is over (runners do not keep their inputs).
    /// </summary>
    public static InferenceTensor Concatenate(IReadOnlyList<PendingInference> batch, int inputIndex, int totalRows, out byte[] rented)
    {
        var first = batch[0].Request.Inputs[inputIndex];
        var length = 0;
        foreach (var pending in batch)
        {
            length = checked(length + pending.Request.Inputs[inputIndex].Data.Length);
        }

        rented = ArrayPool<byte>.Shared.Rent(length);
        var offset = 0;
        foreach (var pending in batch)
        {
            var data = pending.Request.Inputs[inputIndex].Data.Span;
            data.CopyTo(rented.AsSpan(offset));
            offset += data.Length;
        }

        var shape = (long[])first.Shape.Clone();
        shape[0] = totalRows;
        return new InferenceTensor(first.Name, first.DataType, shape, rented.AsMemory(0, length));
    }

    /// <summary>
    /// Each request's rows of every output, in request order. The slices share the runner's output buffers
    /// instead of copying them. Throws <see cref="InvalidOperationException"/> when an output does not have the
    /// batch's rows or its data does not match its shape.
    /// </summary>
    public static IReadOnlyList<InferenceTensor>[] Split(IReadOnlyList<InferenceTensor> outputs, IReadOnlyList<PendingInference> batch, int totalRows)
    {
        var results = new IReadOnlyList<InferenceTensor>[batch.Count];
        for (var r = 0; r < batch.Count; r++)
        {
            results[r] = new InferenceTensor[outputs.Count];
        }

        for (var o = 0; o < outputs.Count; o++)
        {
            var output = outputs[o];
            if (output.Shape.Length == 0 || output.Shape[0] != totalRows)
            {
                throw new InvalidOperationException(
                    $"The model returned output '{output.Name}' with shape [{string.Join(',', output.Shape)}] for a batch of {totalRows} rows.");
            }

            long elementsPerRow = 1;
            for (var d = 1; d < output.Shape.Length; d++)
            {
                elementsPerRow = checked(elementsPerRow * output.Shape[d]);
            }

            var elementSize = output.DataType.ElementSize();
            if (elementSize > 0 && checked(elementsPerRow * elementSize * totalRows) != output.Data.Length)
            {
                throw new InvalidOperationException(
                    $"The model returned output '{output.Name}' with {output.Data.Length} bytes for shape [{string.Join(',', output.Shape)}].");
            }

            var data = output.Data;
            var offset = 0;
            for (var r = 0; r < batch.Count; r++)
            {
                var rows = batch[r].Items;
                var length = elementSize > 0
                    ? (int)(elementsPerRow * elementSize * rows)
                    : BytesLength(data.Span[offset..], checked(elementsPerRow * rows), output.Name);
                var shape = (long[])output.Shape.Clone();
                shape[0] = rows;
                ((InferenceTensor[])results[r])[o] = new InferenceTensor(output.Name, output.DataType, shape, data.Slice(offset, length));
                offset += length;
            }
        }

        return results;
    }

    // The byte length of the first `elements` BYTES elements of `data`.
    private static int BytesLength(ReadOnlySpan<byte> data, long elements, string name)
    {
        var offset = 0;
        for (long e = 0; e < elements; e++)
        {
            if (data.Length - offset < sizeof(uint))
            {
                throw new InvalidOperationException($"The model's BYTES output '{name}' is shorter than its shape says.");
            }

            var elementLength = BinaryPrimitives.ReadUInt32LittleEndian(data[offset..]);
            if (elementLength > (uint)(data.Length - offset - sizeof(uint)))
            {
                throw new InvalidOperationException($"The model's BYTES output '{name}' has an element longer than its data.");
            }

            offset += sizeof(uint) + (int)elementLength;
        }

        return offset;
    }
}
