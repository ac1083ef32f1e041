using System.Text;
using Microsoft.ML.OnnxRuntime;
using Microsoft.ML.OnnxRuntime.Tensors;
using Wharf.Serving.Inference;

namespace Wharf.Serving.Tests.Conformance;

/// <summary>Between the protocol's raw layout and ONNX Runtime tensors, byte for byte (ORT's element types use ONNX's numbers).</summary>
internal static class OrtTensors
{
    public static OrtValue ToOrtValue(InferenceTensor tensor)
    {
        if (tensor.DataType == TensorDataType.Bytes)
        {
            var elements = RawLayout.DecodeBytesElements(tensor.Data.Span);
            var strings = OrtValue.CreateTensorWithEmptyStrings(OrtAllocator.DefaultInstance, tensor.Shape);
            for (var i = 0; i < elements.Count; i++)
            {
                strings.StringTensorSetElementAt(elements[i].AsSpan(), i);
            }

            return strings;
        }

        var value = OrtValue.CreateAllocatedTensorValue(
            OrtAllocator.DefaultInstance, (TensorElementType)OnnxElementTypes.FromProtocol(tensor.DataType), tensor.Shape);
        if (!tensor.Data.IsEmpty)
        {
            tensor.Data.Span.CopyTo(value.GetTensorMutableRawData());
        }

        return value;
    }

    public static InferenceTensor ToInferenceTensor(string name, OrtValue value)
    {
        if (value.OnnxType != OnnxValueType.ONNX_TYPE_TENSOR)
        {
            throw new UnsupportedByProtocolException($"output '{name}' is a {value.OnnxType}");
        }

        var info = value.GetTensorTypeAndShape();
        var dataType = OnnxElementTypes.ToProtocol((int)info.ElementDataType);
        byte[] data;
        if (dataType == TensorDataType.Bytes)
        {
            var count = checked((int)info.ElementCount);
            var elements = new List<byte[]>(count);
            for (var i = 0; i < count; i++)
            {
                elements.Add(Encoding.UTF8.GetBytes(value.GetStringElement(i)));
            }

            data = RawLayout.EncodeBytesElements(elements);
        }
        else
        {
            data = info.ElementCount == 0 ? [] : value.GetTensorMutableRawData().ToArray();
        }

        return new InferenceTensor(name, dataType, info.Shape, data);
    }
}
