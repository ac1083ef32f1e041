namespace Wharf.Server.Auth;

/// <summary>
/// Resolves the caller of an API or MLflow-style request: <c>Authorization: Bearer wharf_pat_...</c>, or Basic with
/// the token as the password. Passwords are not accepted here: only the rate-limited token endpoint (and the UI
/// login, later) take passwords, so API routes are no brute-force surface.
/// </summary>
internal sealed class ApiAuthenticator(TokenService tokens)
{
    public async Task<AuthPrincipal?> AuthenticateAsync(HttpRequest request, CancellationToken cancellationToken = default)
    {
        if (AuthorizationHeader.TryReadBearer(request, out var bearer))
        {
            return await tokens.ValidateAsync(bearer, cancellationToken);
        }

        if (AuthorizationHeader.TryReadBasic(request, out _, out var password) && TokenSecrets.LooksLikeToken(password))
        {
            return await tokens.ValidateAsync(password, cancellationToken);
        }

        return null;
    }
}
