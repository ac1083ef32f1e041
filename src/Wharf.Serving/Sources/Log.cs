namespace Wharf.Serving.Sources;

/// <summary>Model source log messages; event ids 7200-7299.</summary>
internal static partial class Log
{
    [LoggerMessage(7200, LogLevel.Information, "Model source {Source}: manifest {Digest} materialised ({Layers} layers, {Bytes} bytes, verified) into {Directory} in {Milliseconds:F0} ms")]
    public static partial void Materialized(ILogger logger, string source, string digest, int layers, long bytes, string directory, double milliseconds);

    [LoggerMessage(7201, LogLevel.Information, "Model source {Source}: manifest {Digest} is already in the cache at {Directory}")]
    public static partial void CacheHit(ILogger logger, string source, string digest, string directory);
}
