namespace Wharf.Server.Registry;

/// <summary>What one garbage collection swept.</summary>
internal sealed record GarbageCollectionReport(
    int ManifestsDeleted,
    int BlobLinksDeleted,
    int BlobsDeleted,
    long BytesFreed,
    int UploadsExpired,
    TimeSpan Duration);
