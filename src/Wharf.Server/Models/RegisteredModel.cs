namespace Wharf.Server.Models;

/// <summary>
/// A row of <c>models_registered</c>: a named model of one project. The name is one OCI path component, so the
/// versions live in the registry repository <c>&lt;project&gt;/models/&lt;name&gt;</c>. Times are epoch milliseconds,
/// as MLflow keeps them.
/// </summary>
internal sealed class RegisteredModel
{
    public const int MaxNameLength = 128;
    public const int MaxDescriptionLength = 5000;

    public long Id { get; set; }

    public long ProjectId { get; init; }

    public required string Name { get; set; }

    public string? Description { get; set; }

    public string UserId { get; init; } = "";

    public long CreationTime { get; init; }

    public long LastUpdatedTime { get; set; }

    /// <summary>The highest version number ever given out; deleted numbers are never reused, as in MLflow.</summary>
    public int LastVersion { get; set; }
}
