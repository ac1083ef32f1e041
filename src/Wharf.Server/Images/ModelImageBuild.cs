namespace Wharf.Server.Images;

/// <summary>
/// A row of <c>model_image_builds</c>: the image build of one model version (at most one row per version). Builders
/// claim a PENDING row, or a RUNNING one whose lease expired (its builder died), by moving it to RUNNING with a new
/// lease in one conditional UPDATE, so a build runs once however many builders look.
/// </summary>
internal sealed class ModelImageBuild
{
    /// <summary>The log is bounded: a build that logs more keeps the head and the tail.</summary>
    public const int MaxLogLength = 64 * 1024;

    public long Id { get; set; }

    public long VersionId { get; init; }

    public long ProjectId { get; init; }

    public string Status { get; set; } = Wharf.Client.Images.ModelImageBuildStatuses.Pending;

    /// <summary><c>&lt;project&gt;/images/&lt;model&gt;:v&lt;N&gt;</c>, without the registry host.</summary>
    public required string ImageReference { get; init; }

    public string? ManifestDigest { get; set; }

    public string Log { get; set; } = "";

    public int Attempts { get; set; }

    public DateTimeOffset CreatedAt { get; init; }

    public DateTimeOffset UpdatedAt { get; set; }

    /// <summary>Until when the RUNNING builder holds the build; past it, another builder may take it up.</summary>
    public DateTimeOffset? LeaseExpiresAt { get; set; }
}
