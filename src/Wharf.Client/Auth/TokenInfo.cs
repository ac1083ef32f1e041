namespace Wharf.Client.Auth;

/// <summary>A token as listings show it: never its secret.</summary>
/// <param name="Id">The token's id, for revoking it.</param>
/// <param name="Name">Its label.</param>
/// <param name="Owner">Who it acts as: <c>user:alice</c> or <c>sa:project/name</c>.</param>
/// <param name="Grants">The scopes it carries per project (its owner's current role narrows them further).</param>
/// <param name="CreatedAt">When it was created.</param>
/// <param name="ExpiresAt">When it stops working.</param>
/// <param name="LastUsedAt">When it was last used (recorded at a coarse resolution), if ever.</param>
/// <param name="Revoked">Whether it was revoked.</param>
/// <param name="RevokedAt">When it was revoked, if it was.</param>
public sealed record TokenInfo(
    long Id,
    string Name,
    string Owner,
    IReadOnlyList<TokenGrantInfo> Grants,
    DateTimeOffset CreatedAt,
    DateTimeOffset ExpiresAt,
    DateTimeOffset? LastUsedAt,
    bool Revoked,
    DateTimeOffset? RevokedAt);
