using System.Buffers.Binary;
using Wharf.Serving.Inference;
using Wharf.Serving.Onnx;

namespace Wharf.Serving.Models;

/// <summary>
/// The inference that proves a loaded version can serve before it is READY: every input filled with zeros (dynamic
/// dimensions 1, BYTES empty strings). Some graphs take zeros as invalid values (a Range delta, a divisor, Resize
/// scales, a Slice step), so when zeros fail the same inference is tried with ones; the version is READY if either
/// succeeds, and otherwise UNAVAILABLE with both failures as the reason.
/// </summary>
internal static class ModelWarmUp
{
    public static void Run(OnnxInferenceRunner runner)
    {
        var outputs = runner.Signature.Outputs.Select(output => output.Name).ToArray();
        try
        {
            runner.Run(Inputs(runner, one: false), outputs);
        }
        catch (Exception zerosFailure)
        {
            try
            {
                runner.Run(Inputs(runner, one: true), outputs);
            }
            catch (Exception onesFailure)
            {
                throw new ModelLoadException(
                    $"the warm-up inference failed with zeros ({zerosFailure.Message}) and with ones ({onesFailure.Message})", zerosFailure);
            }
        }
    }

    private static InferenceTensor[] Inputs(OnnxInferenceRunner runner, bool one) => runner.Signature.Inputs.Select(input =>
    {
        var shape = input.Shape.Select(dimension => dimension < 0 ? 1 : dimension).ToArray();
        var count = new InferenceTensor(input.Name, input.DataType, shape, ReadOnlyMemory<byte>.Empty).ElementCount;
        if (input.DataType == TensorDataType.Bytes)
        {
            var element = one ? "1"u8 : ""u8;
            var bytes = new byte[checked(count * (sizeof(int) + element.Length))];
            for (var i = 0; i < count; i++)
            {
                var offset = (int)(i * (sizeof(int) + element.Length));
                BinaryPrimitives.WriteInt32LittleEndian(bytes.AsSpan(offset), element.Length);
                element.CopyTo(bytes.AsSpan(offset + sizeof(int)));
            }

            return new InferenceTensor(input.Name, input.DataType, shape, bytes);
        }

        var size = input.DataType.ElementSize();
        var data = new byte[checked(count * size)];
        if (one)
        {
            Span<byte> value = stackalloc byte[size];
            switch (input.DataType)
            {
                case TensorDataType.Fp16:
                    BinaryPrimitives.WriteHalfLittleEndian(value, Half.One);
                    break;
                case TensorDataType.Bf16:
                    BinaryPrimitives.WriteUInt16LittleEndian(value, 0x3F80);
                    break;
                case TensorDataType.Fp32:
                    BinaryPrimitives.WriteSingleLittleEndian(value, 1f);
                    break;
                case TensorDataType.Fp64:
                    BinaryPrimitives.WriteDoubleLittleEndian(value, 1d);
                    break;
                default:
                    value[0] = 1; // little-endian integer 1, or BOOL true
                    break;
            }

            for (var i = 0; i < count; i++)
            {
                value.CopyTo(data.AsSpan((int)(i * size)));
            }
        }

        return new InferenceTensor(input.Name, input.DataType, shape, data);
    }).ToArray();
}
