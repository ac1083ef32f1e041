namespace Wharf.Server.Auth;

/// <summary>Authentication settings, bound from <c>Wharf:Auth</c>.</summary>
internal sealed class AuthOptions
{
    public const string Section = "Wharf:Auth";

    /// <summary>Lifetime of a new token when the caller does not ask for one.</summary>
    public TimeSpan DefaultTokenLifetime { get; set; } = TimeSpan.FromDays(90);

    /// <summary>The longest lifetime a token may be given; every token expires.</summary>
    public TimeSpan MaxTokenLifetime { get; set; } = TimeSpan.FromDays(365);

    /// <summary>The registry's service name: the <c>aud</c> of its tokens and the <c>service</c> of its challenge.</summary>
    public string RegistryService { get; set; } = "wharf";

    /// <summary>The <c>iss</c> of the JWTs this server signs.</summary>
    public string Issuer { get; set; } = "wharf";

    /// <summary>Lifetime of a registry bearer token; short, because it cannot be revoked.</summary>
    public TimeSpan RegistryTokenLifetime { get; set; } = TimeSpan.FromMinutes(5);

    /// <summary>Lifetime of an OAuth2 refresh token from <c>/auth/token</c>; re-checked against the database on use.</summary>
    public TimeSpan RefreshTokenLifetime { get; set; } = TimeSpan.FromDays(1);

    /// <summary>
    /// Requests per minute one remote address may make to the token endpoint: a flood limit. Failed credentials are
    /// throttled much sooner, per address and per username, by <c>Wharf:Auth:Login</c> (as the UI sign-in is).
    /// </summary>
    public int TokenEndpointPermitsPerMinute { get; set; } = 600;

    /// <summary>
    /// Start once with this set to revoke the <c>admin</c> user's bootstrap tokens and write a new one to
    /// <c>$WHARF_DATA/admin-token</c>: the way back in when that token is lost or expired.
    /// </summary>
    public bool ResetAdminToken { get; set; }

    /// <summary>A token's last use is written at most this often, so validation is not a write per request.</summary>
    public TimeSpan LastUsedResolution { get; set; } = TimeSpan.FromMinutes(1);
}
