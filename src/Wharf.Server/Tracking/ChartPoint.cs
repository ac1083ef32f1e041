namespace Wharf.Server.Tracking;

/// <summary>
/// One point of a metric chart: the step on the x axis, the value on the y axis. Public only because the chart
/// component that takes it is: Razor generates components as public classes, and a parameter's type may not be less
/// accessible than the component.
/// </summary>
public readonly record struct ChartPoint(long Step, double Value);
