namespace Wharf.Client.Models;

/// <summary>The states of a model version, as MLflow names them.</summary>
public static class ModelVersionStatuses
{
    /// <summary>Registration is under way.</summary>
    public const string PendingRegistration = "PENDING_REGISTRATION";

    /// <summary>The files did not load (or vanished); <see cref="ModelVersionInfo.StatusMessage"/> says why. Nothing can be pulled.</summary>
    public const string FailedRegistration = "FAILED_REGISTRATION";

    /// <summary>The version is an OCI artifact in the registry and can take aliases.</summary>
    public const string Ready = "READY";
}
