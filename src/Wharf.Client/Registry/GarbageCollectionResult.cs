namespace Wharf.Client.Registry;

/// <summary>What a registry garbage collection swept.</summary>
/// <param name="ManifestsDeleted">Untagged, unreferenced manifests removed.</param>
/// <param name="BlobLinksDeleted">Repository links to blobs no manifest uses.</param>
/// <param name="BlobsDeleted">Blobs removed from the store.</param>
/// <param name="BytesFreed">Bytes those blobs held.</param>
/// <param name="UploadsExpired">Abandoned upload sessions purged.</param>
/// <param name="DurationMilliseconds">Wall time of the run.</param>
public sealed record GarbageCollectionResult(
    int ManifestsDeleted, int BlobLinksDeleted, int BlobsDeleted, long BytesFreed, int UploadsExpired, double DurationMilliseconds);
