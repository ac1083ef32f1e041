namespace Wharf.Serving.Models;

/// <summary>Model repository log messages; event ids 7000-7099.</summary>
internal static partial class Log
{
    [LoggerMessage(7000, LogLevel.Information, "Loading model {Model} version {Version} from {Path}")]
    public static partial void ModelLoading(ILogger logger, string model, string version, string path);

    [LoggerMessage(7001, LogLevel.Information, "Model {Model} version {Version} is READY in {Milliseconds:F0} ms (batch dimension: {HasBatchDimension}, warm-up: {WarmUp})")]
    public static partial void ModelReady(ILogger logger, string model, string version, double milliseconds, bool hasBatchDimension, bool warmUp);

    [LoggerMessage(7002, LogLevel.Error, "Model {Model} version {Version} is UNAVAILABLE: {Reason}")]
    public static partial void ModelLoadFailed(ILogger logger, string model, string version, string reason, Exception? exception);

    [LoggerMessage(7003, LogLevel.Information, "Model {Model} unloaded")]
    public static partial void ModelUnloaded(ILogger logger, string model);

    [LoggerMessage(7004, LogLevel.Information, "Model repository: {Count} models discovered")]
    public static partial void ModelsDiscovered(ILogger logger, int count);

    [LoggerMessage(7005, LogLevel.Error, "Model discovery failed; the server will not become ready")]
    public static partial void DiscoveryFailed(ILogger logger, Exception exception);
}
