using Wharf.Server.Ui.Experiments;

namespace Wharf.Server.Tests.Ui;

/// <summary>The axes of the server-drawn charts: round ticks covering the data, and degenerate ranges widened.</summary>
public sealed class ChartScaleTests
{
    [Fact]
    public void For_FractionRange_TicksAreRoundAndCoverTheData()
    {
        var scale = ChartScale.For(0.012, 0.93, 5);

        Assert.Equal([0, 0.2, 0.4, 0.6, 0.8, 1.0], scale.Ticks);
        Assert.Equal(0, scale.Min);
        Assert.Equal(1.0, scale.Max);
    }

    [Fact]
    public void For_TinyValues_KeepsThemInsteadOfRoundingToZero()
    {
        var scale = ChartScale.For(1e-20, 9e-20, 4);

        Assert.True(scale.Max >= 9e-20 && scale.Max < 1e-18, $"max {scale.Max}");
        Assert.Equal(scale.Ticks.Count, scale.Ticks.Distinct().Count());
    }

    [Fact]
    public void For_SingleValue_WidensAroundIt()
    {
        var scale = ChartScale.For(5, 5);

        Assert.True(scale.Min < 5 && scale.Max > 5, $"{scale.Min}..{scale.Max}");
        Assert.Contains(5.0, scale.Ticks);
    }

    [Fact]
    public void For_NonFiniteRange_FallsBackToUnitRange()
    {
        var scale = ChartScale.For(double.NegativeInfinity, double.NaN);

        Assert.Equal(0, scale.Min);
        Assert.Equal(1, scale.Max);
    }

    [Fact]
    public void Map_EndsOfTheScale_LandOnTheEndsOfTheAxis()
    {
        var scale = ChartScale.For(0, 100);

        Assert.Equal(300.0, scale.Map(scale.Min, 300, 20));
        Assert.Equal(20.0, scale.Map(scale.Max, 300, 20));
    }

    [Theory]
    [InlineData(0.5, "0.5")]
    [InlineData(1_500_000, "1.5E+6")]
    [InlineData(0.0001, "1E-4")]
    [InlineData(0, "0")]
    public void Label_UsesPlainOrScientificNotationByMagnitude(double value, string expected) =>
        Assert.Equal(expected, ChartScale.Label(value));
}
