using System.Globalization;
using System.Security.Claims;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authentication.Cookies;

namespace Wharf.Server.Auth;

/// <summary>
/// The web UI's session: an encrypted, HttpOnly, SameSite=Lax cookie (keys in the data directory) that carries only the
/// user's id and, when the user signed in with a token instead of a password, that token's id. What the session may do
/// is resolved from the database on every request, like a token, so disabling a user or revoking the token ends it.
/// </summary>
internal static class UiSession
{
    public const string Scheme = "wharf-ui";
    public const string CookieName = "wharf_session";
    public const string LoginPath = "/login";
    public const string LogoutPath = "/logout";

    private const string TokenIdClaim = "wharf:token";

    public static void Configure(CookieAuthenticationOptions options)
    {
        options.Cookie.Name = CookieName;
        options.Cookie.HttpOnly = true;
        options.Cookie.SameSite = SameSiteMode.Lax;
        options.Cookie.SecurePolicy = CookieSecurePolicy.SameAsRequest;
        options.Cookie.IsEssential = true;
        options.ExpireTimeSpan = TimeSpan.FromHours(8);
        options.SlidingExpiration = true;
        options.LoginPath = LoginPath;
        options.LogoutPath = LogoutPath;
    }

    /// <summary>Starts a session for <paramref name="principal"/> (a user, possibly narrowed by the token it signed in with).</summary>
    public static Task SignInAsync(HttpContext context, AuthPrincipal principal)
    {
        if (principal.Kind != PrincipalKind.User)
        {
            throw new ArgumentException("Only users have UI sessions.", nameof(principal));
        }

        var claims = new List<Claim>
        {
            new(ClaimTypes.NameIdentifier, principal.Id.ToString(CultureInfo.InvariantCulture)),
            new(ClaimTypes.Name, principal.Name),
        };
        if (principal.TokenId is { } tokenId)
        {
            claims.Add(new Claim(TokenIdClaim, tokenId.ToString(CultureInfo.InvariantCulture)));
        }

        return context.SignInAsync(Scheme, new ClaimsPrincipal(new ClaimsIdentity(claims, Scheme)));
    }

    public static Task SignOutAsync(HttpContext context) => context.SignOutAsync(Scheme);

    /// <summary>The user id and token id in a valid session cookie, or null.</summary>
    public static async Task<(long UserId, long? TokenId)?> ReadAsync(HttpContext context)
    {
        var result = await context.AuthenticateAsync(Scheme);
        if (!result.Succeeded
            || !long.TryParse(result.Principal.FindFirstValue(ClaimTypes.NameIdentifier), NumberStyles.None, CultureInfo.InvariantCulture, out var userId))
        {
            return null;
        }

        long? tokenId = long.TryParse(result.Principal.FindFirstValue(TokenIdClaim), NumberStyles.None, CultureInfo.InvariantCulture, out var id) ? id : null;
        return (userId, tokenId);
    }
}
