namespace Wharf.Client.Tracking;

/// <summary>A run's parameter: logged once; logging it again with a different value is refused.</summary>
/// <param name="Key">The param's name.</param>
/// <param name="Value">The param's value, as text.</param>
public sealed record Param(string Key, string Value);
