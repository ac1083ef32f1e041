using Microsoft.AspNetCore.Http.Features;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Primitives;
using Wharf.Client.Auth;
using Wharf.Server.Registry;

namespace Wharf.Server.Auth;

/// <summary>
/// <c>/auth/token</c>, the token server of the Docker/OCI bearer flow (a public endpoint: it is where credentials are
/// presented). GET takes HTTP Basic (username + token, or username + password) and <c>scope</c> query parameters;
/// POST is the OAuth2 variant (form-encoded <c>grant_type=password|refresh_token</c>). Errors use the registry's
/// error envelope since registry clients are the ones reading them.
/// </summary>
internal static class RegistryTokenEndpoints
{
    public const string Path = "/auth/token";
    public const string RateLimitPolicy = "wharf-auth-token";

    private static readonly RegistryErrorCode InvalidRequest = new("UNSUPPORTED", 400, "invalid token request");

    public static IEndpointRouteBuilder MapRegistryToken(this IEndpointRouteBuilder endpoints)
    {
        var group = endpoints.MapGroup(Path).RequireRateLimiting(RateLimitPolicy)
            .AllowPublic("the registry token endpoint: where credentials are presented");
        group.MapGet("", GetAsync);
        // OAuth2 clients cannot carry an antiforgery token; the form is read by hand, so none is required.
        group.MapPost("", PostAsync).DisableAntiforgery();
        return endpoints;
    }

    private static async Task<IResult> GetAsync(
        HttpContext context, CredentialValidator credentials, LoginThrottle throttle, RegistryTokenIssuer issuer, AuditLog audit,
        IOptions<AuthOptions> options, ILogger<RegistryTokenIssuerLog> logger, CancellationToken cancellationToken)
    {
        if (!IsOurService(context.Request.Query["service"], options.Value))
        {
            return new RegistryErrorResult(InvalidRequest, "unknown service");
        }

        if (!AuthorizationHeader.TryReadBasic(context.Request, out var username, out var password))
        {
            await audit.RecordAsync(context, "anonymous", "registry.token", null, "refused: no credentials", cancellationToken);
            return Unauthorized(options.Value);
        }

        var (principal, refusal) = await CheckCredentialsAsync(context, credentials, throttle, audit, logger, username, password, options.Value, cancellationToken);
        return principal is null
            ? refusal!
            : await IssueAsync(context, issuer, audit, principal, context.Request.Query["scope"], withRefresh: false, cancellationToken);
    }

    private static async Task<IResult> PostAsync(
        HttpContext context, CredentialValidator credentials, LoginThrottle throttle, TokenService tokens, RegistryTokenIssuer issuer,
        JwtValidator validator, AuditLog audit, IOptions<AuthOptions> options, ILogger<RegistryTokenIssuerLog> logger, CancellationToken cancellationToken)
    {
        if (!context.Request.HasFormContentType)
        {
            return new RegistryErrorResult(InvalidRequest, "expected application/x-www-form-urlencoded");
        }

        IFormCollection form;
        try
        {
            // Tight limits: a token request is a handful of short fields.
            form = await context.Request.ReadFormAsync(
                new FormOptions { ValueCountLimit = 64, KeyLengthLimit = 64, ValueLengthLimit = 16 * 1024, MultipartBodyLengthLimit = 64 * 1024 },
                cancellationToken);
        }
        catch (InvalidDataException)
        {
            return new RegistryErrorResult(InvalidRequest, "request form too large");
        }

        if (!IsOurService(form["service"], options.Value))
        {
            return new RegistryErrorResult(InvalidRequest, "unknown service");
        }

        var grantType = form["grant_type"].ToString();
        if (string.Equals(grantType, "password", StringComparison.Ordinal))
        {
            var (principal, refusal) = await CheckCredentialsAsync(
                context, credentials, throttle, audit, logger, form["username"].ToString(), form["password"].ToString(), options.Value, cancellationToken);
            return principal is null
                ? refusal!
                : await IssueAsync(context, issuer, audit, principal, form["scope"], withRefresh: true, cancellationToken);
        }

        if (string.Equals(grantType, "refresh_token", StringComparison.Ordinal))
        {
            var principal = await ResolveRefreshAsync(form["refresh_token"].ToString(), validator, issuer, tokens, cancellationToken);
            return principal is null
                ? await RefuseAsync(context, audit, logger, "refresh_token", options.Value, cancellationToken)
                : await IssueAsync(context, issuer, audit, principal, form["scope"], withRefresh: false, cancellationToken);
        }

        return new RegistryErrorResult(InvalidRequest, "grant_type must be 'password' or 'refresh_token'");
    }

    /// <summary>
    /// A refresh token only names the principal and its PAT; access is resolved afresh, so a revoked PAT, a disabled
    /// user or a removed membership ends what the refresh token can obtain.
    /// </summary>
    private static async Task<AuthPrincipal?> ResolveRefreshAsync(
        string refreshToken, JwtValidator validator, RegistryTokenIssuer issuer, TokenService tokens, CancellationToken cancellationToken)
    {
        var result = validator.Validate(refreshToken, issuer.RefreshAudience);
        if (result.Claims is not { } claims
            || !claims.TryGetProperty("wharf_kind", out var kind) || !kind.TryGetInt32(out var kindValue)
            || !Enum.IsDefined((PrincipalKind)kindValue)
            || !claims.TryGetProperty("wharf_id", out var id) || !id.TryGetInt64(out var idValue))
        {
            return null;
        }

        long? tokenId = claims.TryGetProperty("wharf_tid", out var tid) && tid.TryGetInt64(out var tidValue) ? tidValue : null;
        return await tokens.ResolveAsync((PrincipalKind)kindValue, idValue, tokenId, cancellationToken);
    }

    private static async Task<IResult> IssueAsync(
        HttpContext context, RegistryTokenIssuer issuer, AuditLog audit, AuthPrincipal principal,
        IEnumerable<string?> scopes, bool withRefresh, CancellationToken cancellationToken)
    {
        var access = RegistryScopeRequest.Grant(scopes, principal);
        var (token, issuedAt, expiresIn) = issuer.IssueAccess(principal, access);
        var granted = string.Join(' ', access.Select(a => $"{a.Type}:{a.Name}:{string.Join(',', a.Actions)}"));
        await audit.RecordAsync(context, principal.Subject, "registry.token", granted.Length == 0 ? null : granted, "issued", cancellationToken);
        context.Response.Headers.CacheControl = "no-store";
        return TypedResults.Ok(new RegistryTokenResponse(
            token, token, (int)expiresIn.TotalSeconds, issuedAt, withRefresh ? issuer.IssueRefresh(principal) : null));
    }

    /// <summary>
    /// Checks a username and password (or token as the password), counting failures like the UI's sign-in form: too
    /// many from one address, or against one username with a password, answer 429 before the secret is checked. A
    /// presented token counts against the address only: a 256-bit secret cannot be guessed, and counting it against
    /// the username would let anyone lock a user's docker logins out.
    /// </summary>
    private static async Task<(AuthPrincipal? Principal, IResult? Refusal)> CheckCredentialsAsync(
        HttpContext context, CredentialValidator credentials, LoginThrottle throttle, AuditLog audit, ILogger logger,
        string username, string password, AuthOptions options, CancellationToken cancellationToken)
    {
        var address = context.Connection.RemoteIpAddress?.ToString();
        var counted = TokenSecrets.LooksLikeToken(password) ? null : username;
        if (throttle.RetryAfter(address, counted) is { } wait)
        {
            await audit.RecordAsync(context, AuditLog.Redact(username) is { Length: > 0 } actor ? actor : "anonymous",
                "registry.token", null, "refused: too many failed attempts", cancellationToken);
            context.Response.Headers.RetryAfter = Math.Max(1, (int)Math.Ceiling(wait.TotalSeconds)).ToString(System.Globalization.CultureInfo.InvariantCulture);
            return (null, new RegistryErrorResult(RegistryErrorCode.TooManyRequests, "too many failed attempts; retry later"));
        }

        var principal = await credentials.ValidateAsync(username, password, cancellationToken);
        if (principal is null)
        {
            throttle.RecordFailure(address, counted);
            return (null, await RefuseAsync(context, audit, logger, username, options, cancellationToken));
        }

        if (counted is not null)
        {
            throttle.Succeeded(counted);
        }

        return (principal, null);
    }

    private static async Task<IResult> RefuseAsync(
        HttpContext context, AuditLog audit, ILogger logger, string username, AuthOptions options, CancellationToken cancellationToken)
    {
        var actor = AuditLog.Redact(username) ?? "";
        Log.TokenEndpointRefused(logger, actor, context.Connection.RemoteIpAddress?.ToString());
        await audit.RecordAsync(context, actor.Length == 0 ? "anonymous" : actor, "registry.token", null, "refused: invalid credentials", cancellationToken);
        return Unauthorized(options);
    }

    private static RegistryErrorResult Unauthorized(AuthOptions options) =>
        new(RegistryErrorCode.Unauthorized, "invalid username, password or token",
            new Dictionary<string, string> { ["WWW-Authenticate"] = $"Basic realm=\"{options.RegistryService}\"" });

    // Docker always sends the service from the challenge; an absent one is tolerated for hand-written clients.
    private static bool IsOurService(StringValues service, AuthOptions options) =>
        service.Count == 0 || (service.Count == 1 && string.Equals(service[0], options.RegistryService, StringComparison.Ordinal));
}
