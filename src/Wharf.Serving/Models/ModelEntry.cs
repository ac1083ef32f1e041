namespace Wharf.Serving.Models;

/// <summary>A model the repository knows: its definition, whether it should be loaded, and its versions' states.</summary>
internal sealed class ModelEntry(ModelDefinition definition)
{
    private volatile IReadOnlyList<ModelVersionStatus> versions = definition.Versions
        .Select(version => new ModelVersionStatus(version.Version, ModelState.Unavailable, "unloaded", null))
        .ToArray();

    public string Name => Definition.Name;

    public ModelDefinition Definition { get; set; } = definition;

    /// <summary>Serializes load and unload of this model.</summary>
    public SemaphoreSlim Gate { get; } = new(1, 1);

    /// <summary>Loaded at start-up or by an explicit load, and not unloaded since: readiness waits for it.</summary>
    public volatile bool LoadRequested;

    /// <summary>Every version, lowest first.</summary>
    public IReadOnlyList<ModelVersionStatus> Versions
    {
        get => versions;
        set => versions = value;
    }
}
