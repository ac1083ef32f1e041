using Microsoft.AspNetCore.Http.HttpResults;
using Wharf.Client.Auth;

namespace Wharf.Server.Auth;

/// <summary><c>GET /api/v1/auth/whoami</c>: who the presented token belongs to and what it may do, per project.</summary>
internal static class WhoAmIEndpoints
{
    public static IEndpointRouteBuilder MapWhoAmI(this IEndpointRouteBuilder endpoints)
    {
        endpoints.MapGet("/api/v1/auth/whoami", WhoAmIAsync);
        return endpoints;
    }

    private static async Task<Results<Ok<WhoAmI>, ProblemHttpResult>> WhoAmIAsync(
        HttpContext context, ApiAuthenticator authenticator, AuditLog audit, CancellationToken cancellationToken)
    {
        var principal = await authenticator.AuthenticateAsync(context.Request, cancellationToken);
        if (principal is null)
        {
            await audit.RecordAsync(context, "anonymous", "api.authenticate", context.Request.Path, "refused: missing or invalid token", cancellationToken);
            context.Response.Headers.WWWAuthenticate = "Bearer realm=\"wharf\"";
            return TypedResults.Problem(
                statusCode: StatusCodes.Status401Unauthorized,
                title: "Unauthorized",
                detail: "Send a valid, unexpired token: 'Authorization: Bearer wharf_pat_...' or Basic with the token as the password.");
        }

        var projects = principal.Projects
            .OrderBy(p => p.Key, StringComparer.Ordinal)
            .Select(p => new ProjectAccess(p.Key, Scopes.Names(p.Value)))
            .ToList();
        return TypedResults.Ok(new WhoAmI(
            principal.Kind == PrincipalKind.User ? "user" : "service-account",
            principal.Name,
            principal.IsAdmin,
            Scopes.Names(principal.EveryProject),
            projects));
    }
}
