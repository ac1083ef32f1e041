namespace Wharf.Serving.Tests.Conformance;

internal sealed record ConformanceOutcome(ConformanceOutcomeKind Kind, string Reason = "")
{
    public static readonly ConformanceOutcome Pass = new(ConformanceOutcomeKind.Pass);
}
