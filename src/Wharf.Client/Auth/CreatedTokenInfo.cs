namespace Wharf.Client.Auth;

/// <summary>A new token. <see cref="Secret"/> is in this answer only: the server keeps just its hash.</summary>
/// <param name="Id">The token's id, for revoking it.</param>
/// <param name="Name">Its label.</param>
/// <param name="Secret">The token itself (<c>wharf_pat_...</c>); store it now, it cannot be shown again.</param>
/// <param name="Grants">The scopes it carries per project.</param>
/// <param name="ExpiresAt">When it stops working.</param>
public sealed record CreatedTokenInfo(long Id, string Name, string Secret, IReadOnlyList<TokenGrantInfo> Grants, DateTimeOffset ExpiresAt);
