using Wharf.Client.Registry;

namespace Wharf.Server.Tests.Registry.Faults;

/// <summary>Assertions on registry check reports that show every problem found when they fail.</summary>
internal static class FsckAssert
{
    public static void Clean(RegistryCheckReport report, string? step = null)
    {
        if (!report.IsClean)
        {
            Assert.Fail($"{(step is null ? "" : step + ": ")}expected a clean registry, found:\n{Describe(report)}");
        }
    }

    /// <summary>Exactly these problems (kind and object), in any order.</summary>
    public static void Problems(RegistryCheckReport report, params (string Kind, string Object)[] expected)
    {
        var actual = report.Problems.Select(p => (p.Kind, p.Object)).Order().ToList();
        if (!actual.SequenceEqual(expected.Order()))
        {
            Assert.Fail($"expected problems {string.Join(", ", expected.Order())}, found:\n{Describe(report)}");
        }
    }

    /// <summary>Nothing but leftovers of the given kinds: what a crash between two durable steps may leave.</summary>
    public static void OnlyOrphans(RegistryCheckReport report, params string[] allowedKinds)
    {
        if (report.Problems.Any(p => p.Severity != RegistryProblemSeverity.Orphan || !allowedKinds.Contains(p.Kind)))
        {
            Assert.Fail($"expected at most orphans of kinds {string.Join(", ", allowedKinds)}, found:\n{Describe(report)}");
        }
    }

    public static string Describe(RegistryCheckReport report)
        => report.Problems.Count == 0
            ? "  (no problems)"
            : string.Join('\n', report.Problems.Select(p => $"  {p.Kind} [{p.Severity}{(p.Repaired ? ", repaired" : "")}] {p.Object}: {p.Detail}"));
}
