namespace Wharf.Server.Tracking;

/// <summary>MLflow's lifecycle stages of experiments and runs, stored as these strings.</summary>
internal static class LifecycleStage
{
    public const string Active = "active";
    public const string Deleted = "deleted";
}
