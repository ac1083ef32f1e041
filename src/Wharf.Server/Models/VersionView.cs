namespace Wharf.Server.Models;

/// <summary>A model version as MLflow returns it: the row, the model's name as the caller sees it, its tags and aliases.</summary>
internal sealed record VersionView(ModelVersion Version, string DisplayName, IReadOnlyList<ModelVersionTag> Tags, IReadOnlyList<string> Aliases);
