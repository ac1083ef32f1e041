using System.Buffers.Binary;
using System.Runtime.InteropServices;
using Microsoft.ML.OnnxRuntime;
using Wharf.Serving.Inference;
using Wharf.Serving.Models;

namespace Wharf.Serving.Onnx;

/// <summary>
/// Runs one ONNX Runtime session over raw-layout tensors. Fixed-size inputs (numbers, FP16/BF16, BOOL) are handed to
/// ONNX Runtime in place: the request's bytes are pinned and wrapped as an OrtValue, no copy. BYTES inputs become an
/// ORT string tensor (ORT owns string storage, so one copy is unavoidable). Outputs are copied once out of ORT's
/// memory into the raw layout. Thread-safe: ONNX Runtime sessions allow concurrent Run calls and nothing here is
/// shared mutable state.
/// </summary>
internal sealed class OnnxInferenceRunner : IInferenceRunner, IDisposable
{
    private readonly InferenceSession session;
    private readonly RunOptions runOptions = new();

    public OnnxInferenceRunner(InferenceSession session, ModelSignature signature)
    {
        this.session = session;
        Signature = signature;
        HasBatchDimension = signature.Inputs.Count > 0
            && signature.Inputs.Concat(signature.Outputs).All(tensor => tensor.Shape.Length > 0 && tensor.Shape[0] == -1);
    }

    public ModelSignature Signature { get; }

    public bool HasBatchDimension { get; }

    public IReadOnlyList<InferenceTensor> Run(IReadOnlyList<InferenceTensor> inputs, IReadOnlyList<string> outputNames)
    {
        ArgumentNullException.ThrowIfNull(inputs);
        ArgumentNullException.ThrowIfNull(outputNames);
        var names = new string[inputs.Count];
        var values = new OrtValue?[inputs.Count];
        var pins = new GCHandle[inputs.Count];
        try
        {
            for (var i = 0; i < inputs.Count; i++)
            {
                names[i] = inputs[i].Name;
                values[i] = CreateValue(inputs[i], ref pins[i]);
            }

            using var results = session.Run(runOptions, names, values!, outputNames);
            var outputs = new InferenceTensor[outputNames.Count];
            var index = 0;
            foreach (var result in results)
            {
                outputs[index] = ToTensor(outputNames[index], result);
                index++;
            }

            return outputs;
        }
        finally
        {
            for (var i = 0; i < inputs.Count; i++)
            {
                values[i]?.Dispose();
                if (pins[i].IsAllocated)
                {
                    pins[i].Free();
                }
            }
        }
    }

    public void Dispose()
    {
        runOptions.Dispose();
        session.Dispose();
    }

    private static OrtValue CreateValue(InferenceTensor tensor, ref GCHandle pin)
    {
        var count = tensor.ElementCount;
        if (tensor.DataType == TensorDataType.Bytes)
        {
            return CreateStringValue(tensor, count);
        }

        var expected = count * tensor.DataType.ElementSize();
        if (tensor.Data.Length != expected)
        {
            throw new ArgumentException(
                $"Input '{tensor.Name}' holds {tensor.Data.Length} bytes; its shape and datatype need {expected}.", nameof(tensor));
        }

        if (!MemoryMarshal.TryGetArray(tensor.Data, out var segment) || segment.Array is null)
        {
            segment = new ArraySegment<byte>(tensor.Data.ToArray());
        }

        pin = GCHandle.Alloc(segment.Array, GCHandleType.Pinned);
        var pointer = pin.AddrOfPinnedObject() + segment.Offset;

        // A binary input sliced out of a request body starts wherever the JSON header ended. Kernels may assume their
        // element type's alignment, so only an aligned buffer is shared; a misaligned one is copied once (managed
        // arrays are 8-byte aligned).
        if (pointer % tensor.DataType.ElementSize() != 0)
        {
            pin.Free();
            segment = new ArraySegment<byte>(tensor.Data.ToArray());
            pin = GCHandle.Alloc(segment.Array, GCHandleType.Pinned);
            pointer = pin.AddrOfPinnedObject();
        }
        return OrtValue.CreateTensorValueWithData(
            OrtMemoryInfo.DefaultInstance, OnnxTypes.ToElementType(tensor.DataType), tensor.Shape, pointer, segment.Count);
    }

    private static OrtValue CreateStringValue(InferenceTensor tensor, long count)
    {
        var value = OrtValue.CreateTensorWithEmptyStrings(OrtAllocator.DefaultInstance, tensor.Shape);
        try
        {
            var data = tensor.Data.Span;
            var offset = 0;
            for (var i = 0; i < count; i++)
            {
                if (data.Length - offset < sizeof(int))
                {
                    throw new ArgumentException($"Input '{tensor.Name}' holds fewer BYTES elements than its shape.", nameof(tensor));
                }

                var length = BinaryPrimitives.ReadInt32LittleEndian(data[offset..]);
                offset += sizeof(int);
                if (length < 0 || length > data.Length - offset)
                {
                    throw new ArgumentException($"Input '{tensor.Name}' has a BYTES element running past its data.", nameof(tensor));
                }

                value.StringTensorSetElementAt(data.Slice(offset, length), i);
                offset += length;
            }

            if (offset != data.Length)
            {
                throw new ArgumentException($"Input '{tensor.Name}' holds more BYTES elements than its shape.", nameof(tensor));
            }

            return value;
        }
        catch
        {
            value.Dispose();
            throw;
        }
    }

    private static InferenceTensor ToTensor(string name, OrtValue value)
    {
        var info = value.GetTensorTypeAndShape();
        if (!OnnxTypes.TryToDataType(info.ElementDataType, out var dataType))
        {
            throw new InvalidOperationException($"Output '{name}' is of type {info.ElementDataType}, which the protocol cannot carry.");
        }

        var shape = info.Shape;
        if (dataType != TensorDataType.Bytes)
        {
            return new InferenceTensor(name, dataType, shape, value.GetTensorMutableRawData().ToArray());
        }

        var count = checked((int)info.ElementCount);
        long total = 0;
        for (var i = 0; i < count; i++)
        {
            total += sizeof(int) + value.GetStringElementAsSpan(i).Length;
        }

        var data = new byte[checked((int)total)];
        var offset = 0;
        for (var i = 0; i < count; i++)
        {
            var element = value.GetStringElementAsSpan(i);
            BinaryPrimitives.WriteInt32LittleEndian(data.AsSpan(offset), element.Length);
            element.CopyTo(data.AsSpan(offset + sizeof(int)));
            offset += sizeof(int) + element.Length;
        }

        return new InferenceTensor(name, dataType, shape, data);
    }
}
