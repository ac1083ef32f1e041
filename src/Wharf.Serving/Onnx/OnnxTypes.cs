using Microsoft.ML.OnnxRuntime.Tensors;
using Wharf.Serving.Inference;

namespace Wharf.Serving.Onnx;

/// <summary>ONNX element types the protocol can carry, and back.</summary>
internal static class OnnxTypes
{
    public static bool TryToDataType(TensorElementType elementType, out TensorDataType dataType)
    {
        dataType = elementType switch
        {
            TensorElementType.Bool => TensorDataType.Bool,
            TensorElementType.UInt8 => TensorDataType.Uint8,
            TensorElementType.UInt16 => TensorDataType.Uint16,
            TensorElementType.UInt32 => TensorDataType.Uint32,
            TensorElementType.UInt64 => TensorDataType.Uint64,
            TensorElementType.Int8 => TensorDataType.Int8,
            TensorElementType.Int16 => TensorDataType.Int16,
            TensorElementType.Int32 => TensorDataType.Int32,
            TensorElementType.Int64 => TensorDataType.Int64,
            TensorElementType.Float16 => TensorDataType.Fp16,
            TensorElementType.BFloat16 => TensorDataType.Bf16,
            TensorElementType.Float => TensorDataType.Fp32,
            TensorElementType.Double => TensorDataType.Fp64,
            TensorElementType.String => TensorDataType.Bytes,
            _ => (TensorDataType)(-1),
        };
        return dataType >= 0;
    }

    public static TensorElementType ToElementType(TensorDataType dataType) => dataType switch
    {
        TensorDataType.Bool => TensorElementType.Bool,
        TensorDataType.Uint8 => TensorElementType.UInt8,
        TensorDataType.Uint16 => TensorElementType.UInt16,
        TensorDataType.Uint32 => TensorElementType.UInt32,
        TensorDataType.Uint64 => TensorElementType.UInt64,
        TensorDataType.Int8 => TensorElementType.Int8,
        TensorDataType.Int16 => TensorElementType.Int16,
        TensorDataType.Int32 => TensorElementType.Int32,
        TensorDataType.Int64 => TensorElementType.Int64,
        TensorDataType.Fp16 => TensorElementType.Float16,
        TensorDataType.Bf16 => TensorElementType.BFloat16,
        TensorDataType.Fp32 => TensorElementType.Float,
        TensorDataType.Fp64 => TensorElementType.Double,
        TensorDataType.Bytes => TensorElementType.String,
        _ => throw new ArgumentOutOfRangeException(nameof(dataType), dataType, null),
    };
}
