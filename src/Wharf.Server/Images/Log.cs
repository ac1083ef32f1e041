namespace Wharf.Server.Images;

/// <summary>Model image log messages; event ids 2400-2499.</summary>
internal static partial class Log
{
    [LoggerMessage(2400, LogLevel.Information, "Image {Reference} built: {Digest} ({NewBytes} new blob bytes)")]
    public static partial void ImageBuilt(ILogger logger, string reference, string digest, long newBytes);

    [LoggerMessage(2401, LogLevel.Warning, "Image {Reference} failed: {Reason}")]
    public static partial void ImageFailed(ILogger logger, string reference, string reason);

    [LoggerMessage(2402, LogLevel.Error, "Image build of {Reference} crashed")]
    public static partial void ImageCrashed(ILogger logger, string reference, Exception exception);

    [LoggerMessage(2403, LogLevel.Error, "The model image builder's pass failed; the next wake-up tries again")]
    public static partial void PassFailed(ILogger logger, Exception exception);

    [LoggerMessage(2404, LogLevel.Information, "Image {Reference}: builder {Attempt} lost its claim; its result is dropped")]
    public static partial void ClaimLost(ILogger logger, string reference, int attempt);
}
