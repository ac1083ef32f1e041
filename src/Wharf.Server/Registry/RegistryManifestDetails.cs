using Wharf.Oci;

namespace Wharf.Server.Registry;

/// <summary>Everything the registry browser's manifest page shows, read in one go by <see cref="RegistryBrowser"/>.</summary>
/// <param name="Repository">The repository's name.</param>
/// <param name="Stored">The stored row: digest, media type, size, creation time.</param>
/// <param name="Parsed">The manifest's content, parsed.</param>
/// <param name="Tag">The tag the manifest was reached through, if any.</param>
/// <param name="Tags">The tags that point at this manifest (the first <see cref="RegistryBrowser.MaxListed"/>).</param>
/// <param name="Referrers">The manifests whose subject is this one.</param>
/// <param name="SubjectPresent">Whether this manifest's subject is stored in the repository.</param>
/// <param name="Children">An index's child manifests, in index order.</param>
/// <param name="TotalSize">The manifest and all it refers to, children included, each distinct blob once.</param>
/// <param name="Config">An image manifest's config, when it has one.</param>
internal sealed record RegistryManifestDetails(
    string Repository,
    RegistryManifest Stored,
    Manifest Parsed,
    string? Tag,
    IReadOnlyList<string> Tags,
    IReadOnlyList<ReferrerRow> Referrers,
    bool SubjectPresent,
    IReadOnlyList<RegistryIndexChild> Children,
    long TotalSize,
    RegistryConfigPreview? Config);
