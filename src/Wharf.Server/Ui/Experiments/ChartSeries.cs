using Wharf.Server.Tracking;

namespace Wharf.Server.Ui.Experiments;

/// <summary>
/// One line of a chart: a run's history of one metric, in its colour. Public because <see cref="LineChart"/>, which
/// takes it as a parameter, is generated public by Razor.
/// </summary>
public sealed record ChartSeries(string Name, string Color, IReadOnlyList<ChartPoint> Points, string? Href = null);
