namespace Wharf.Serving.Models;

/// <summary>One version's state as published; immutable, replaced as a whole.</summary>
internal sealed record ModelVersionStatus(string Version, ModelState State, string? Reason, LoadedModelVersion? Loaded);
