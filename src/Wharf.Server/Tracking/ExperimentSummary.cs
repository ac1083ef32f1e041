namespace Wharf.Server.Tracking;

/// <summary>A row of the experiments list: times are epoch milliseconds; <see cref="LastRunStart"/> is null without runs.</summary>
internal sealed record ExperimentSummary(long Id, string Name, string Project, int Runs, long LastUpdateTime, long? LastRunStart)
{
    /// <summary>The later of the experiment's own last update and its newest run's start.</summary>
    public long LastActivity => Math.Max(LastUpdateTime, LastRunStart ?? 0);
}
