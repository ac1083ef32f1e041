namespace Wharf.Server.Auth;

/// <summary>A row of <c>service_accounts</c>: a non-human principal that belongs to exactly one project.</summary>
internal sealed class ServiceAccount
{
    public const int MaxNameLength = 64;

    public long Id { get; set; }

    public long ProjectId { get; init; }

    public required string Name { get; init; }

    public bool Disabled { get; set; }

    public DateTimeOffset CreatedAt { get; init; }
}
