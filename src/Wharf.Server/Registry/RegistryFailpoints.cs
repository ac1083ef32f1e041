namespace Wharf.Server.Registry;

/// <summary>
/// The registry's failpoints (see <see cref="Hosting.Failpoints"/>): the moments between two durable steps where a
/// crash leaves the most interesting state behind. Fault tests kill a server at each one and check the invariants.
/// </summary>
internal static class RegistryFailpoints
{
    /// <summary>An upload's bytes are published under their digest, but no row records them yet.</summary>
    public const string UploadBeforeRecord = "registry.upload.beforeRecord";

    /// <summary>A manifest, its references and its tag are written in the open transaction, not yet committed.</summary>
    public const string ManifestBeforeCommit = "registry.manifest.beforeCommit";

    /// <summary>A manifest push is committed, before the response is sent.</summary>
    public const string ManifestAfterCommit = "registry.manifest.afterCommit";

    /// <summary>Garbage collection has swept unreferenced blob links and is about to sweep unlinked blobs.</summary>
    public const string GarbageCollectionAfterLinkSweep = "registry.gc.afterLinkSweep";
}
