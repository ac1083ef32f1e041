namespace Wharf.Client.Tracking;

/// <summary>MLflow's run states. A run moves forward only: <c>SCHEDULED</c> → <c>RUNNING</c> → an end state.</summary>
public static class RunStatuses
{
    /// <summary>Running.</summary>
    public const string Running = "RUNNING";

    /// <summary>Scheduled, not started.</summary>
    public const string Scheduled = "SCHEDULED";

    /// <summary>Ended successfully.</summary>
    public const string Finished = "FINISHED";

    /// <summary>Ended with a failure.</summary>
    public const string Failed = "FAILED";

    /// <summary>Stopped before it ended.</summary>
    public const string Killed = "KILLED";
}
