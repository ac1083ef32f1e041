using Wharf.Serving.Inference;

namespace Wharf.Serving.Tests.Conformance;

/// <summary>
/// ONNX's <c>TensorProto.DataType</c> numbers (onnx.proto; ONNX Runtime's TensorElementType uses the same values)
/// and the protocol datatype each maps to. Complex, float8, int4/uint4, float4 and int2/uint2 have no protocol
/// datatype.
/// </summary>
internal static class OnnxElementTypes
{
    public const int Float = 1;
    public const int Uint8 = 2;
    public const int Int8 = 3;
    public const int Uint16 = 4;
    public const int Int16 = 5;
    public const int Int32 = 6;
    public const int Int64 = 7;
    public const int String = 8;
    public const int Bool = 9;
    public const int Float16 = 10;
    public const int Double = 11;
    public const int Uint32 = 12;
    public const int Uint64 = 13;
    public const int Bfloat16 = 16;

    public static bool TryToProtocol(int onnxType, out TensorDataType dataType)
    {
        dataType = onnxType switch
        {
            Float => TensorDataType.Fp32,
            Uint8 => TensorDataType.Uint8,
            Int8 => TensorDataType.Int8,
            Uint16 => TensorDataType.Uint16,
            Int16 => TensorDataType.Int16,
            Int32 => TensorDataType.Int32,
            Int64 => TensorDataType.Int64,
            String => TensorDataType.Bytes,
            Bool => TensorDataType.Bool,
            Float16 => TensorDataType.Fp16,
            Double => TensorDataType.Fp64,
            Uint32 => TensorDataType.Uint32,
            Uint64 => TensorDataType.Uint64,
            Bfloat16 => TensorDataType.Bf16,
            _ => (TensorDataType)(-1),
        };
        return dataType >= 0;
    }

    public static TensorDataType ToProtocol(int onnxType) =>
        TryToProtocol(onnxType, out var dataType)
            ? dataType
            : throw new UnsupportedByProtocolException($"element type {Name(onnxType)} has no protocol datatype");

    public static int FromProtocol(TensorDataType dataType) => dataType switch
    {
        TensorDataType.Fp32 => Float,
        TensorDataType.Uint8 => Uint8,
        TensorDataType.Int8 => Int8,
        TensorDataType.Uint16 => Uint16,
        TensorDataType.Int16 => Int16,
        TensorDataType.Int32 => Int32,
        TensorDataType.Int64 => Int64,
        TensorDataType.Bytes => String,
        TensorDataType.Bool => Bool,
        TensorDataType.Fp16 => Float16,
        TensorDataType.Fp64 => Double,
        TensorDataType.Uint32 => Uint32,
        TensorDataType.Uint64 => Uint64,
        TensorDataType.Bf16 => Bfloat16,
        _ => throw new ArgumentOutOfRangeException(nameof(dataType), dataType, null),
    };

    /// <summary>onnx.proto's name for a data type, for messages.</summary>
    public static string Name(int onnxType) => onnxType switch
    {
        0 => "UNDEFINED",
        Float => "FLOAT",
        Uint8 => "UINT8",
        Int8 => "INT8",
        Uint16 => "UINT16",
        Int16 => "INT16",
        Int32 => "INT32",
        Int64 => "INT64",
        String => "STRING",
        Bool => "BOOL",
        Float16 => "FLOAT16",
        Double => "DOUBLE",
        Uint32 => "UINT32",
        Uint64 => "UINT64",
        14 => "COMPLEX64",
        15 => "COMPLEX128",
        Bfloat16 => "BFLOAT16",
        17 => "FLOAT8E4M3FN",
        18 => "FLOAT8E4M3FNUZ",
        19 => "FLOAT8E5M2",
        20 => "FLOAT8E5M2FNUZ",
        21 => "UINT4",
        22 => "INT4",
        23 => "FLOAT4E2M1",
        24 => "FLOAT8E8M0",
        25 => "UINT2",
        26 => "INT2",
        _ => $"data type {onnxType}",
    };
}
