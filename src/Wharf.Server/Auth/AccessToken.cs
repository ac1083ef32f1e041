namespace Wharf.Server.Auth;

/// <summary>
/// A row of <c>access_tokens</c>. Only the SHA-256 of the secret is stored: a database leak yields no usable
/// token, and because the secret has 256 bits of entropy an unsalted fast hash is enough (there is nothing to brute
/// force, unlike a password). Exactly one of <see cref="UserId"/> and <see cref="ServiceAccountId"/> is set.
/// </summary>
internal sealed class AccessToken
{
    public const int MaxNameLength = 100;

    public long Id { get; set; }

    public required string Name { get; init; }

    public required byte[] SecretHash { get; init; }

    public long? UserId { get; init; }

    public long? ServiceAccountId { get; init; }

    public DateTimeOffset CreatedAt { get; init; }

    /// <summary>Always set: no token lives forever.</summary>
    public DateTimeOffset ExpiresAt { get; init; }

    public DateTimeOffset? RevokedAt { get; set; }

    public DateTimeOffset? LastUsedAt { get; set; }

    public List<AccessTokenGrant> Grants { get; } = [];
}
