namespace Wharf.Client.Models;

/// <summary>An alias of a model and the version it points at; the registry tag of the same name points at the same manifest.</summary>
/// <param name="Alias">The alias, such as <c>production</c>.</param>
/// <param name="Version">The version it names.</param>
public sealed record ModelAliasInfo(string Alias, int Version);
