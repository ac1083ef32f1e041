namespace Wharf.Server.Models;

/// <summary>MLflow's ModelVersionStatus values.</summary>
internal static class ModelVersionStatus
{
    public const string PendingRegistration = "PENDING_REGISTRATION";
    public const string FailedRegistration = "FAILED_REGISTRATION";
    public const string Ready = "READY";
}
