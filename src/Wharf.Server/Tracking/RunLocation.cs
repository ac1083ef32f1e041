namespace Wharf.Server.Tracking;

/// <summary>Where a run lives: its experiment and that experiment's project.</summary>
internal sealed record RunLocation(string RunId, long ExperimentId, string ExperimentName, string Project);
