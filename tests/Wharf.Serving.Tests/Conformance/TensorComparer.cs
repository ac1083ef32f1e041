using System.Buffers.Binary;
using System.Globalization;
using Wharf.Serving.Inference;

namespace Wharf.Serving.Tests.Conformance;

/// <summary>
/// Compares an output with the expected one as the ONNX backend tests do: same datatype and shape, then numpy's
/// <c>assert_allclose(actual, expected, rtol=1e-3, atol=1e-7)</c> for floating point (|a - e| &lt;= atol + rtol * |e|,
/// NaN equal to NaN, infinities equal only to themselves), exact for integers, bools and strings.
/// </summary>
internal static class TensorComparer
{
    public const double RelativeTolerance = 1e-3;
    public const double AbsoluteTolerance = 1e-7;

    /// <summary>Null when equal; otherwise what differs.</summary>
    public static string? Difference(InferenceTensor expected, InferenceTensor actual)
    {
        if (expected.DataType != actual.DataType)
        {
            return $"datatype {actual.DataType.ToWireName()}, expected {expected.DataType.ToWireName()}";
        }

        if (!expected.Shape.SequenceEqual(actual.Shape))
        {
            return $"shape [{string.Join(",", actual.Shape)}], expected [{string.Join(",", expected.Shape)}]";
        }

        var dataType = expected.DataType;
        if (dataType == TensorDataType.Bytes)
        {
            var e = RawLayout.DecodeBytesElements(expected.Data.Span);
            var a = RawLayout.DecodeBytesElements(actual.Data.Span);
            if (e.Count != a.Count)
            {
                return $"{a.Count} strings, expected {e.Count}";
            }

            for (var i = 0; i < e.Count; i++)
            {
                if (!e[i].AsSpan().SequenceEqual(a[i]))
                {
                    return $"string element {i} differs";
                }
            }

            return null;
        }

        var size = dataType.ElementSize();
        var count = checked((int)expected.ElementCount);
        if (expected.Data.Length != count * size || actual.Data.Length != count * size)
        {
            return $"{actual.Data.Length} data bytes, expected {count * size}";
        }

        var mismatches = 0;
        string? first = null;
        for (var i = 0; i < count; i++)
        {
            var es = expected.Data.Span.Slice(i * size, size);
            var @as = actual.Data.Span.Slice(i * size, size);
            bool equal;
            if (IsFloatingPoint(dataType))
            {
                double ev = ReadFloating(dataType, es), av = ReadFloating(dataType, @as);
                equal = double.IsNaN(ev) ? double.IsNaN(av)
                    : double.IsInfinity(ev) ? ev == av
                    : Math.Abs(av - ev) <= AbsoluteTolerance + RelativeTolerance * Math.Abs(ev);
                if (!equal)
                {
                    first ??= string.Create(CultureInfo.InvariantCulture, $"element {i}: {av:R}, expected {ev:R}");
                }
            }
            else if (dataType == TensorDataType.Bool)
            {
                equal = (es[0] != 0) == (@as[0] != 0);
                first ??= equal ? null : $"element {i}: {@as[0] != 0}, expected {es[0] != 0}";
            }
            else
            {
                equal = es.SequenceEqual(@as);
                first ??= equal ? null : $"element {i} differs";
            }

            mismatches += equal ? 0 : 1;
        }

        return mismatches == 0 ? null : $"{mismatches} of {count} elements differ beyond rtol {RelativeTolerance}, atol {AbsoluteTolerance}; first: {first}";
    }

    public static bool IsFloatingPoint(TensorDataType dataType) =>
        dataType is TensorDataType.Fp16 or TensorDataType.Bf16 or TensorDataType.Fp32 or TensorDataType.Fp64;

    public static double ReadFloating(TensorDataType dataType, ReadOnlySpan<byte> element) => dataType switch
    {
        TensorDataType.Fp16 => (double)BinaryPrimitives.ReadHalfLittleEndian(element),
        TensorDataType.Bf16 => BitConverter.Int32BitsToSingle(BinaryPrimitives.ReadUInt16LittleEndian(element) << 16),
        TensorDataType.Fp32 => BinaryPrimitives.ReadSingleLittleEndian(element),
        TensorDataType.Fp64 => BinaryPrimitives.ReadDoubleLittleEndian(element),
        _ => throw new ArgumentOutOfRangeException(nameof(dataType), dataType, null),
    };
}
