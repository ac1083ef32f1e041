namespace Wharf.Client.Registry;

/// <summary>How bad a <see cref="RegistryCheckProblem"/> is.</summary>
public static class RegistryProblemSeverity
{
    /// <summary>Something readable is broken or inconsistent: a pull can fail or return wrong bytes.</summary>
    public const string Corruption = "corruption";

    /// <summary>
    /// A leftover nothing refers to, typically of a crash between two durable steps (bytes published but not recorded,
    /// a staged upload without its session). Nothing readable is affected; garbage collection or a repair removes it.
    /// </summary>
    public const string Orphan = "orphan";
}
