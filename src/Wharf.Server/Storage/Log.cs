namespace Wharf.Server.Storage;

/// <summary>Storage log messages; event ids 1200-1299.</summary>
internal static partial class Log
{
    [LoggerMessage(1200, LogLevel.Information, "Filesystem blob store at {Root}")]
    public static partial void StoreOpened(ILogger logger, string root);

    [LoggerMessage(1201, LogLevel.Information, "Removed {Count} temporary file(s) left by an interrupted write in {Directory}")]
    public static partial void StaleTempFilesRemoved(ILogger logger, int count, string directory);

    [LoggerMessage(1202, LogLevel.Warning, "Could not remove temporary file {Path}")]
    public static partial void TempFileDeleteFailed(ILogger logger, string path, Exception exception);

    [LoggerMessage(1203, LogLevel.Debug, "Stored blob {Digest} ({Size} bytes, new: {Created})")]
    public static partial void BlobWritten(ILogger logger, string digest, long size, bool created);

    [LoggerMessage(1204, LogLevel.Warning, "Rejected blob: content hashes to {Actual}, the writer expected {Expected}")]
    public static partial void DigestMismatch(ILogger logger, string expected, string actual);

    [LoggerMessage(1205, LogLevel.Warning, "Blob write failed; nothing was stored")]
    public static partial void WriteFailed(ILogger logger, Exception exception);

    [LoggerMessage(1206, LogLevel.Debug, "Blob write cancelled; nothing was stored")]
    public static partial void WriteCancelled(ILogger logger);

    [LoggerMessage(1207, LogLevel.Information, "Deleted blob {Digest}")]
    public static partial void BlobDeleted(ILogger logger, string digest);

    [LoggerMessage(1208, LogLevel.Information, "Blob store holds {Count} blob(s), {TotalBytes} bytes (counted in {ElapsedMilliseconds} ms)")]
    public static partial void UsageCounted(ILogger logger, long count, long totalBytes, long elapsedMilliseconds);

    [LoggerMessage(1209, LogLevel.Error, "Counting blob store usage failed; it is retried on the next request")]
    public static partial void UsageCountFailed(ILogger logger, Exception exception);
}
