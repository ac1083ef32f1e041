namespace Wharf.Client.Registry;

/// <summary>One violated registry invariant.</summary>
/// <param name="Kind">What is wrong, one of <see cref="RegistryProblemKinds"/>.</param>
/// <param name="Severity"><see cref="RegistryProblemSeverity.Corruption"/> or <see cref="RegistryProblemSeverity.Orphan"/>.</param>
/// <param name="Object">The object concerned: a digest, <c>repo:tag</c>, <c>repo@digest</c> or an upload id.</param>
/// <param name="Detail">A sentence for people.</param>
/// <param name="Repaired">True when the check was asked to repair and removed this leftover.</param>
public sealed record RegistryCheckProblem(string Kind, string Severity, string Object, string Detail, bool Repaired = false);
