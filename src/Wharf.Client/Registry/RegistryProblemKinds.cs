namespace Wharf.Client.Registry;

/// <summary>The kinds of <see cref="RegistryCheckProblem"/>.</summary>
public static class RegistryProblemKinds
{
    /// <summary>A linked blob is recorded but its bytes are not in the store (corruption).</summary>
    public const string BlobMissing = "blob-missing";

    /// <summary>
    /// An unlinked blob is recorded but its bytes are gone: garbage collection stopped between removing the bytes and
    /// the row; its next run removes the row (orphan).
    /// </summary>
    public const string BlobRowStale = "blob-row-stale";

    /// <summary>A blob's stored size differs from the recorded size (corruption).</summary>
    public const string BlobSizeMismatch = "blob-size-mismatch";

    /// <summary>Stored bytes do not hash to the digest they are stored under, or are empty under a non-empty digest (corruption).</summary>
    public const string BlobCorrupt = "blob-corrupt";

    /// <summary>Stored bytes no row records, older than the grace period (orphan).</summary>
    public const string BlobOrphan = "blob-orphan";

    /// <summary>A repository links a blob that is not recorded (corruption).</summary>
    public const string LinkDangling = "link-dangling";

    /// <summary>A tag points at a manifest that is not in its repository (corruption).</summary>
    public const string TagDangling = "tag-dangling";

    /// <summary>A manifest refers to a blob that is not linked into its repository (corruption).</summary>
    public const string ManifestBlobUnlinked = "manifest-blob-unlinked";

    /// <summary>An index lists a child manifest that is not in its repository (corruption).</summary>
    public const string ManifestChildMissing = "manifest-child-missing";

    /// <summary>A manifest's bytes do not hash to its digest, no longer parse, or disagree with its recorded references (corruption).</summary>
    public const string ManifestCorrupt = "manifest-corrupt";

    /// <summary>A staged upload file has no upload session, older than the grace period (orphan).</summary>
    public const string UploadOrphan = "upload-orphan";

    /// <summary>An upload session outlived its lifetime; garbage collection purges it (orphan).</summary>
    public const string UploadExpired = "upload-expired";
}
