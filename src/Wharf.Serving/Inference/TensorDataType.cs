namespace Wharf.Serving.Inference;

/// <summary>The Open Inference Protocol's tensor datatypes (wire names in <see cref="TensorDataTypes"/>).</summary>
internal enum TensorDataType
{
    Bool,
    Uint8,
    Uint16,
    Uint32,
    Uint64,
    Int8,
    Int16,
    Int32,
    Int64,
    Fp16,
    Bf16,
    Fp32,
    Fp64,
    Bytes,
}
