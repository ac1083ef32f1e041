using System.Threading.RateLimiting;
using Microsoft.AspNetCore.Identity;
using Microsoft.Extensions.Options;
using Wharf.Server.Registry;

namespace Wharf.Server.Auth;

internal static class AuthExtensions
{
    /// <summary>
    /// Registers auth: options, tokens, credentials, signing keys, JWTs, the audit log, the first-start bootstrap, the
    /// registry's authorizer, the UI session cookie and the token endpoint's rate limit.
    /// </summary>
    public static IServiceCollection AddWharfAuth(this IServiceCollection services)
    {
        services.AddOptions<AuthOptions>()
            .BindConfiguration(AuthOptions.Section)
            .Validate(o => o.MaxTokenLifetime > TimeSpan.Zero, "Wharf:Auth:MaxTokenLifetime must be positive.")
            .Validate(o => o.DefaultTokenLifetime > TimeSpan.Zero && o.DefaultTokenLifetime <= o.MaxTokenLifetime,
                "Wharf:Auth:DefaultTokenLifetime must be positive and at most Wharf:Auth:MaxTokenLifetime.")
            .Validate(o => o.RegistryTokenLifetime > TimeSpan.Zero && o.RegistryTokenLifetime <= TimeSpan.FromHours(1),
                "Wharf:Auth:RegistryTokenLifetime must be positive and at most one hour (registry tokens cannot be revoked).")
            .Validate(o => o.RefreshTokenLifetime > TimeSpan.Zero, "Wharf:Auth:RefreshTokenLifetime must be positive.")
            .Validate(o => !string.IsNullOrWhiteSpace(o.RegistryService), "Wharf:Auth:RegistryService must not be empty.")
            .Validate(o => !string.IsNullOrWhiteSpace(o.Issuer), "Wharf:Auth:Issuer must not be empty.")
            .Validate(o => o.TokenEndpointPermitsPerMinute > 0, "Wharf:Auth:TokenEndpointPermitsPerMinute must be positive.")
            .Validate(o => o.LastUsedResolution >= TimeSpan.Zero, "Wharf:Auth:LastUsedResolution must not be negative.")
            .ValidateOnStart();

        services.AddOptions<LoginThrottleOptions>()
            .BindConfiguration(LoginThrottleOptions.Section)
            .Validate(o => o.MaxFailures > 0, "Wharf:Auth:Login:MaxFailures must be positive.")
            .Validate(o => o.Window > TimeSpan.Zero, "Wharf:Auth:Login:Window must be positive.")
            .Validate(o => o.MaxTrackedKeys > 0, "Wharf:Auth:Login:MaxTrackedKeys must be positive.")
            .ValidateOnStart();
        services.AddSingleton<LoginThrottle>();

        services.AddSingleton<IPasswordHasher<User>, PasswordHasher<User>>();
        services.AddScoped<AuthDirectory>();
        services.AddScoped<TokenService>();
        services.AddScoped<CredentialValidator>();
        services.AddScoped<ApiAuthenticator>();
        services.AddSingleton<AuditLog>();
        services.AddSingleton<RegistrySigningKeys>();
        services.AddSingleton<RegistryTokenIssuer>();
        services.AddSingleton<JwtValidator>();
        services.AddSingleton<RegistryJwtCache>();
        services.AddSingleton<IRegistryAuthorizer, TokenRegistryAuthorizer>();
        services.AddAuthentication().AddCookie(UiSession.Scheme, UiSession.Configure);
        // After AddWharfData: its StartingAsync runs after the migration's.
        services.AddHostedService<AuthBootstrapService>();

        services.AddRateLimiter(limiter =>
        {
            limiter.RejectionStatusCode = StatusCodes.Status429TooManyRequests;
            limiter.AddPolicy(RegistryTokenEndpoints.RateLimitPolicy, context =>
            {
                var permits = context.RequestServices.GetRequiredService<IOptions<AuthOptions>>().Value.TokenEndpointPermitsPerMinute;
                return RateLimitPartition.GetFixedWindowLimiter(
                    context.Connection.RemoteIpAddress?.ToString() ?? "unknown",
                    _ => new FixedWindowRateLimiterOptions { PermitLimit = permits, Window = TimeSpan.FromMinutes(1), QueueLimit = 0 });
            });
            limiter.OnRejected = async (rejected, cancellationToken) =>
            {
                var context = rejected.HttpContext;
                Log.TokenEndpointRateLimited(context.RequestServices.GetRequiredService<ILogger<RegistryTokenIssuerLog>>(), context.Connection.RemoteIpAddress?.ToString());
                await context.RequestServices.GetRequiredService<AuditLog>()
                    .RecordAsync(context, "anonymous", "registry.token", null, "refused: rate limited", cancellationToken);
                context.Response.Headers.RetryAfter = "60";
                await new RegistryErrorResult(RegistryErrorCode.TooManyRequests, "too many token requests; retry later").ExecuteAsync(context);
            };
        });
        return services;
    }

    /// <summary>Adds the rate limiter and default-deny access control to the pipeline.</summary>
    public static WebApplication UseWharfAuth(this WebApplication app)
    {
        // Only endpoints that carry a rate-limiting policy are limited; everything else passes straight through.
        app.UseRateLimiter();
        app.UseEndpointAccess();
        return app;
    }

    /// <summary>
    /// Maps <c>/auth/token</c>, <c>/api/v1/auth/whoami</c> and the admin API: projects, members, service accounts,
    /// tokens, users and the audit log.
    /// </summary>
    public static WebApplication MapWharfAuth(this WebApplication app)
    {
        app.MapRegistryToken();
        app.MapWhoAmI();
        app.MapWharfProjects();
        app.MapWharfServiceAccounts();
        app.MapWharfTokens();
        app.MapWharfUsers();
        app.MapWharfAudit();
        return app;
    }
}
