using System.Buffers.Binary;
using Wharf.Serving.Inference;

namespace Wharf.Serving.Tests.Conformance;

public sealed class TensorComparerTests
{
    [Fact]
    public void Difference_NaNAgainstNaN_Equal() =>
        Assert.Null(TensorComparer.Difference(Floats(float.NaN, 1f), Floats(float.NaN, 1f)));

    [Fact]
    public void Difference_WithinRelativeTolerance_Equal() =>
        Assert.Null(TensorComparer.Difference(Floats(1000f), Floats(1000.9f)));

    [Fact]
    public void Difference_BeyondTolerance_NamesTheElement()
    {
        var difference = TensorComparer.Difference(Floats(1f, 1000f), Floats(1f, 1001.5f));

        Assert.NotNull(difference);
        Assert.Contains("element 1", difference, StringComparison.Ordinal);
    }

    [Fact]
    public void Difference_InfinityAgainstLargeNumber_Differs() =>
        Assert.NotNull(TensorComparer.Difference(Floats(float.PositiveInfinity), Floats(float.MaxValue)));

    [Fact]
    public void Difference_IntegersOffByOne_Differs()
    {
        var expected = new InferenceTensor("y", TensorDataType.Int64, [1], BitConverter.GetBytes(1_000_000_000_000L));
        var actual = expected with { Data = BitConverter.GetBytes(1_000_000_000_001L) };

        Assert.NotNull(TensorComparer.Difference(expected, actual));
    }

    [Fact]
    public void Difference_SameValuesOtherShape_Differs() =>
        Assert.NotNull(TensorComparer.Difference(Floats(1f, 2f), Floats(1f, 2f) with { Shape = [1, 2] }));

    private static InferenceTensor Floats(params float[] values)
    {
        var data = new byte[values.Length * 4];
        for (var i = 0; i < values.Length; i++)
        {
            BinaryPrimitives.WriteSingleLittleEndian(data.AsSpan(i * 4), values[i]);
        }

        return new InferenceTensor("y", TensorDataType.Fp32, [values.Length], data);
    }
}
