namespace Wharf.Server.Auth;

/// <summary>
/// A row of <c>project_members</c>: a user or a service account (exactly one is set) holding a role in a project.
/// Deleting the row removes the member's access through every token at once, because tokens only narrow the role.
/// </summary>
internal sealed class ProjectMember
{
    public long Id { get; set; }

    public long ProjectId { get; init; }

    public long? UserId { get; init; }

    public long? ServiceAccountId { get; init; }

    public ProjectRole Role { get; set; }

    public DateTimeOffset CreatedAt { get; init; }
}
