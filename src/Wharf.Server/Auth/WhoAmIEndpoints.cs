using Wharf.Client.Auth;

namespace Wharf.Server.Auth;

/// <summary><c>GET /api/v1/auth/whoami</c>: who the presented token belongs to and what it may do, per project.</summary>
internal static class WhoAmIEndpoints
{
    public static IEndpointRouteBuilder MapWhoAmI(this IEndpointRouteBuilder endpoints)
    {
        endpoints.MapGet("/api/v1/auth/whoami", WhoAmI).RequireSignedIn();
        return endpoints;
    }

    private static WhoAmI WhoAmI(HttpContext context)
    {
        var principal = Caller.Get(context);
        var projects = principal.Projects
            .OrderBy(p => p.Key, StringComparer.Ordinal)
            .Select(p => new ProjectAccess(p.Key, Scopes.Names(p.Value)))
            .ToList();
        return new WhoAmI(
            principal.Kind == PrincipalKind.User ? "user" : "service-account",
            principal.Name,
            principal.IsAdmin,
            Scopes.Names(principal.EveryProject),
            projects);
    }
}
