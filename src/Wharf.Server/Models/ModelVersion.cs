namespace Wharf.Server.Models;

/// <summary>
/// A row of <c>models_versions</c>: version <see cref="Version"/> of a registered model, made from the files of a run
/// under <see cref="Source"/>. Once <see cref="ModelVersionStatus.Ready"/>, it is the OCI manifest
/// <see cref="ManifestDigest"/> tagged <c>v&lt;N&gt;</c> in the model's repository.
/// </summary>
internal sealed class ModelVersion
{
    public const int MaxSourceLength = 1500;
    public const int MaxStatusMessageLength = 2000;

    public long Id { get; set; }

    public long ModelId { get; init; }

    public int Version { get; init; }

    /// <summary>The source as the client sent it (<c>runs:/...</c> or <c>mlflow-artifacts:/...</c>).</summary>
    public required string Source { get; init; }

    public required string RunId { get; init; }

    /// <summary>The files' path relative to the run's artifact root ("" for all of them).</summary>
    public string ArtifactPath { get; init; } = "";

    public string Status { get; set; } = ModelVersionStatus.PendingRegistration;

    public string? StatusMessage { get; set; }

    public string? Description { get; set; }

    /// <summary>MLflow's legacy stage (None, Staging, Production, Archived); accepted and stored, not used by Wharf.</summary>
    public string CurrentStage { get; set; } = ModelStages.None;

    public string? ManifestDigest { get; set; }

    /// <summary>The ONNX signature as JSON (<c>{}</c> for models without an ONNX file).</summary>
    public string? Signature { get; set; }

    public string UserId { get; init; } = "";

    public long CreationTime { get; init; }

    public long LastUpdatedTime { get; set; }
}
