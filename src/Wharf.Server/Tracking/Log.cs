namespace Wharf.Server.Tracking;

/// <summary>Tracking log messages; event ids 1600-1699.</summary>
internal static partial class Log
{
    [LoggerMessage(1600, LogLevel.Error, "MLflow request {Method} {Path} failed")]
    public static partial void RequestFailed(ILogger logger, string method, string path, Exception exception);

    [LoggerMessage(1601, LogLevel.Information, "Created experiment {ExperimentId} '{Name}' in project {Project}")]
    public static partial void ExperimentCreated(ILogger logger, long experimentId, string name, string project);
}
