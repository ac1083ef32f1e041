namespace Wharf.Server.Auth;

/// <summary>
/// A row of <c>access_token_grants</c>: the scopes a token may use in one project. A null
/// <see cref="ProjectId"/> means every project, and only counts while the owner is an administrator (the bootstrap
/// admin token).
/// </summary>
internal sealed class AccessTokenGrant
{
    public long Id { get; set; }

    public long TokenId { get; init; }

    public long? ProjectId { get; init; }

    public Scope Scopes { get; init; }
}
