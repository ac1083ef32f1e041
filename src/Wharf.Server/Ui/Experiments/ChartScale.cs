using System.Globalization;

namespace Wharf.Server.Ui.Experiments;

/// <summary>
/// A linear axis: the data's range widened to round tick values (1, 2 or 5 times a power of ten), so that the
/// ticks read as people write numbers. A range of one value is widened around it.
/// </summary>
internal sealed class ChartScale
{
    private ChartScale(double min, double max, IReadOnlyList<double> ticks)
    {
        Min = min;
        Max = max;
        Ticks = ticks;
    }

    public double Min { get; }

    public double Max { get; }

    public IReadOnlyList<double> Ticks { get; }

    public static ChartScale For(double min, double max, int tickCount = 5)
    {
        if (!double.IsFinite(min) || !double.IsFinite(max))
        {
            (min, max) = (0, 1);
        }

        if (max <= min)
        {
            var pad = min == 0 ? 1 : Math.Abs(min) * 0.1;
            (min, max) = (min - pad, max + pad);
        }

        var step = NiceStep((max - min) / Math.Max(1, tickCount));
        var first = Math.Floor(min / step) * step;
        var last = Math.Ceiling(max / step) * step;
        // Ticks are rounded to the step's decimals: 3 × 0.2 is 0.6000000000000001 in binary, and would be labelled so.
        // Math.Round takes 0 to 15 decimals; steps outside that are left as they are.
        var decimals = -(int)Math.Floor(Math.Log10(step));
        var ticks = new List<double>();
        for (var i = 0; i <= 100; i++)
        {
            var tick = first + (i * step);
            if (tick > last + (step / 2))
            {
                break;
            }

            ticks.Add(decimals is > 0 and <= 15 ? Math.Round(tick, decimals) : tick);
        }

        return new ChartScale(first, last, ticks);
    }

    /// <summary>Where <paramref name="value"/> falls between <paramref name="from"/> (at Min) and <paramref name="to"/> (at Max).</summary>
    public double Map(double value, double from, double to) => from + ((value - Min) / (Max - Min) * (to - from));

    public static string Label(double value)
    {
        var magnitude = Math.Abs(value);
        return magnitude is >= 1e6 or (< 1e-3 and > 0)
            ? value.ToString("0.##E+0", CultureInfo.InvariantCulture)
            : value.ToString("0.####", CultureInfo.InvariantCulture);
    }

    private static double NiceStep(double rough)
    {
        if (rough <= 0 || !double.IsFinite(rough))
        {
            return 1;
        }

        var power = Math.Pow(10, Math.Floor(Math.Log10(rough)));
        var fraction = rough / power;
        return (fraction <= 1 ? 1 : fraction <= 2 ? 2 : fraction <= 5 ? 5 : 10) * power;
    }
}
