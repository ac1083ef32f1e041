namespace Wharf.Server.Registry;

/// <summary>What the registry browser can show of a config blob.</summary>
/// <param name="Text">The config as text (JSON pretty-printed), or null when there is nothing to show.</param>
/// <param name="Note">Why the text is missing, partial or raw; null when <paramref name="Text"/> is the whole JSON.</param>
internal sealed record RegistryConfigPreview(string? Text, string? Note);
