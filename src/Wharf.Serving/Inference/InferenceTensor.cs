namespace Wharf.Serving.Inference;

/// <summary>
/// One named tensor inside the server. <see cref="Data"/> always holds the protocol's raw binary layout
/// (the binary tensor data extension's), row-major: fixed-size elements little-endian back to back, BOOL one
/// byte each, and for BYTES each element as a 4-byte little-endian length followed by its bytes. One layout
/// for JSON and binary requests means batching concatenates and splits along the first dimension by slicing
/// bytes, whatever the datatype.
/// </summary>
internal sealed record InferenceTensor(string Name, TensorDataType DataType, long[] Shape, ReadOnlyMemory<byte> Data)
{
    /// <summary>The number of elements the shape describes (1 for a scalar).</summary>
    public long ElementCount
    {
        get
        {
            long count = 1;
            foreach (var dimension in Shape)
            {
                count = checked(count * dimension);
            }

            return count;
        }
    }
}
