namespace Wharf.Client.Registry;

/// <summary>What a registry consistency check (<c>wharf fsck</c>) looked at and found.</summary>
/// <param name="Verified">True when every stored blob and manifest was read back and hashed (the deep mode).</param>
/// <param name="Repaired">True when safe repairs were asked for; see <see cref="RegistryCheckProblem.Repaired"/>.</param>
/// <param name="Checked">How many objects of each kind were checked.</param>
/// <param name="Problems">Every violated invariant, corruption and leftover alike; empty when the registry is clean.</param>
/// <param name="DurationMilliseconds">Wall time of the check.</param>
public sealed record RegistryCheckReport(
    bool Verified,
    bool Repaired,
    RegistryCheckCounts Checked,
    IReadOnlyList<RegistryCheckProblem> Problems,
    double DurationMilliseconds)
{
    /// <summary>True when no invariant is violated.</summary>
    public bool IsClean => Problems.Count == 0;

    /// <summary>True when some problem affects content that can be read (not merely a leftover garbage collection removes).</summary>
    public bool HasCorruption => Problems.Any(p => p.Severity == RegistryProblemSeverity.Corruption);
}
