namespace Wharf.Serving.Inference;

/// <summary>Wire names and element sizes of <see cref="TensorDataType"/>.</summary>
internal static class TensorDataTypes
{
    /// <summary>The protocol's name for a datatype ("FP32", "BYTES", ...).</summary>
    public static string ToWireName(this TensorDataType dataType) => dataType switch
    {
        TensorDataType.Bool => "BOOL",
        TensorDataType.Uint8 => "UINT8",
        TensorDataType.Uint16 => "UINT16",
        TensorDataType.Uint32 => "UINT32",
        TensorDataType.Uint64 => "UINT64",
        TensorDataType.Int8 => "INT8",
        TensorDataType.Int16 => "INT16",
        TensorDataType.Int32 => "INT32",
        TensorDataType.Int64 => "INT64",
        TensorDataType.Fp16 => "FP16",
        TensorDataType.Bf16 => "BF16",
        TensorDataType.Fp32 => "FP32",
        TensorDataType.Fp64 => "FP64",
        TensorDataType.Bytes => "BYTES",
        _ => throw new ArgumentOutOfRangeException(nameof(dataType), dataType, null),
    };

    /// <summary>Reads a wire name; the protocol's names are upper case and compared exactly.</summary>
    public static bool TryParse(string? wireName, out TensorDataType dataType)
    {
        dataType = wireName switch
        {
            "BOOL" => TensorDataType.Bool,
            "UINT8" => TensorDataType.Uint8,
            "UINT16" => TensorDataType.Uint16,
            "UINT32" => TensorDataType.Uint32,
            "UINT64" => TensorDataType.Uint64,
            "INT8" => TensorDataType.Int8,
            "INT16" => TensorDataType.Int16,
            "INT32" => TensorDataType.Int32,
            "INT64" => TensorDataType.Int64,
            "FP16" => TensorDataType.Fp16,
            "BF16" => TensorDataType.Bf16,
            "FP32" => TensorDataType.Fp32,
            "FP64" => TensorDataType.Fp64,
            "BYTES" => TensorDataType.Bytes,
            _ => (TensorDataType)(-1),
        };
        return dataType >= 0;
    }

    /// <summary>Bytes per element in the raw layout; 0 for BYTES, whose elements carry their own length.</summary>
    public static int ElementSize(this TensorDataType dataType) => dataType switch
    {
        TensorDataType.Bool or TensorDataType.Uint8 or TensorDataType.Int8 => 1,
        TensorDataType.Uint16 or TensorDataType.Int16 or TensorDataType.Fp16 or TensorDataType.Bf16 => 2,
        TensorDataType.Uint32 or TensorDataType.Int32 or TensorDataType.Fp32 => 4,
        TensorDataType.Uint64 or TensorDataType.Int64 or TensorDataType.Fp64 => 8,
        TensorDataType.Bytes => 0,
        _ => throw new ArgumentOutOfRangeException(nameof(dataType), dataType, null),
    };
}
