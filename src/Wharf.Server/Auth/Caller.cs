using System.Security.Claims;

namespace Wharf.Server.Auth;

/// <summary>
/// Who is calling, resolved at most once per request: a token (<c>Authorization: Bearer wharf_pat_...</c>, or Basic
/// with the token as the password) or else a UI session cookie. An Authorization header that is present but invalid
/// never falls back to the cookie: a bad token is a refusal, not an anonymous request.
/// </summary>
internal static class Caller
{
    private sealed record Resolved(AuthPrincipal? Principal);

    /// <summary>The caller's principal, or null when the request carries no valid credentials.</summary>
    public static async ValueTask<AuthPrincipal?> ResolveAsync(HttpContext context, CancellationToken cancellationToken = default)
    {
        if (context.Features.Get<Resolved>() is { } resolved)
        {
            return resolved.Principal;
        }

        AuthPrincipal? principal;
        var tokens = context.RequestServices.GetRequiredService<TokenService>();
        if (AuthorizationHeader.IsPresent(context.Request))
        {
            principal = await context.RequestServices.GetRequiredService<ApiAuthenticator>().AuthenticateAsync(context.Request, cancellationToken);
        }
        else if (await UiSession.ReadAsync(context) is { } session)
        {
            principal = await tokens.ResolveAsync(PrincipalKind.User, session.UserId, session.TokenId, cancellationToken);
        }
        else
        {
            principal = null;
        }

        context.Features.Set(new Resolved(principal));
        if (principal is not null)
        {
            // Antiforgery tokens and logging scopes key on HttpContext.User.
            context.User = new ClaimsPrincipal(new ClaimsIdentity([new Claim(ClaimTypes.Name, principal.Subject)], "wharf"));
        }

        return principal;
    }

    /// <summary>The principal the access middleware resolved for this request; throws where no policy required one.</summary>
    public static AuthPrincipal Get(HttpContext context) =>
        context.Features.Get<Resolved>()?.Principal
        ?? throw new InvalidOperationException("No caller was resolved for this request; the endpoint's access policy does not require one.");

    /// <summary>The resolved principal, or null (public endpoints, anonymous callers).</summary>
    public static AuthPrincipal? Find(HttpContext context) => context.Features.Get<Resolved>()?.Principal;
}
