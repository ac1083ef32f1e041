namespace Wharf.Server.Registry;

/// <summary>What a manifest points at: a blob (config, layer) or, for an index, a child manifest.</summary>
internal sealed class RegistryManifestReference
{
    public long ManifestId { get; init; }

    public required string Digest { get; init; }

    public RegistryReferenceKind Kind { get; init; }
}
