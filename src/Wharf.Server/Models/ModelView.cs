namespace Wharf.Server.Models;

/// <summary>A registered model as MLflow returns it: the row, its tags, its aliases and its latest version per stage.</summary>
internal sealed record ModelView(RegisteredModel Model, string DisplayName, IReadOnlyList<RegisteredModelTag> Tags, IReadOnlyList<ModelAlias> Aliases, IReadOnlyList<VersionView> LatestVersions);
