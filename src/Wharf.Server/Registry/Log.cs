namespace Wharf.Server.Registry;

/// <summary>Registry log messages; event ids 1400-1499.</summary>
internal static partial class Log
{
    [LoggerMessage(1400, LogLevel.Error, "Registry request {Method} {Path} failed")]
    public static partial void RequestFailed(ILogger logger, string method, string path, Exception exception);

    [LoggerMessage(1401, LogLevel.Warning, "Registry write {Method} {Path} failed: the disk is full")]
    public static partial void DiskFull(ILogger logger, string method, string path);

    [LoggerMessage(1402, LogLevel.Information, "Registry garbage collection: {Manifests} manifests, {Links} blob links, {Blobs} blobs ({Bytes} bytes), {Uploads} expired uploads in {Milliseconds:F0} ms")]
    public static partial void GarbageCollected(ILogger logger, int manifests, int links, int blobs, long bytes, int uploads, double milliseconds);

    [LoggerMessage(1403, LogLevel.Error, "Scheduled registry garbage collection failed")]
    public static partial void GarbageCollectionFailed(ILogger logger, Exception exception);

    [LoggerMessage(1430, LogLevel.Information, "Registry check: {Corruptions} corruptions, {Orphans} orphans ({Repaired} repaired), deep {Verified}, in {Milliseconds:F0} ms")]
    public static partial void RegistryChecked(ILogger logger, int corruptions, int orphans, int repaired, bool verified, double milliseconds);

    [LoggerMessage(1431, LogLevel.Warning, "Registry garbage collection removed {Count} unrecorded blob files ({Bytes} bytes): leftovers of uploads interrupted between publishing and recording")]
    public static partial void UnrecordedBlobsSwept(ILogger logger, int count, long bytes);
}
