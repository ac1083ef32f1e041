namespace Wharf.Server.Models;

/// <summary>A stored model found by the name a request gave, with its project's name.</summary>
internal sealed record ResolvedModel(RegisteredModel Model, string Project)
{
    public string Repository => ModelNames.Repository(Project, Model.Name);
}
