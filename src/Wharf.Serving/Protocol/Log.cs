namespace Wharf.Serving.Protocol;

/// <summary>Protocol log messages; event ids 7100-7199.</summary>
internal static partial class Log
{
    [LoggerMessage(7100, LogLevel.Error, "Infer request for model {Model} version {Version} failed unexpectedly")]
    public static partial void InferFailed(ILogger logger, string model, string version, Exception exception);

    [LoggerMessage(7101, LogLevel.Debug, "Infer request for model {Model} refused with {StatusCode}: {Error}")]
    public static partial void InferRefused(ILogger logger, string model, int statusCode, string error);
}
