using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using Wharf.Client.Auth;
using Wharf.Server.Data;

namespace Wharf.Server.Auth;

/// <summary>
/// The caller's own tokens under <c>/api/v1/tokens</c>. Tokens belong to a principal, not to a project, so these
/// endpoints only need a signed-in caller and check ownership themselves; another principal's token answers 404,
/// exactly like a token that does not exist, so ids do not leak.
/// </summary>
internal static class TokenEndpoints
{
    public static IEndpointRouteBuilder MapWharfTokens(this IEndpointRouteBuilder endpoints)
    {
        var group = endpoints.MapGroup("/api/v1/tokens");
        group.MapGet("", ListAsync).RequireSignedIn();
        group.MapPost("", CreateAsync).RequireSignedIn();
        group.MapDelete("/{id:long}", RevokeAsync).RequireSignedIn();
        return endpoints;
    }

    internal static async Task<Ok<List<TokenInfo>>> ListAsync(HttpContext context, WharfDbContext db, CancellationToken cancellationToken)
    {
        var caller = Caller.Get(context);
        var query = caller.Kind == PrincipalKind.User
            ? db.AccessTokens.Where(t => t.UserId == caller.Id)
            : db.AccessTokens.Where(t => t.ServiceAccountId == caller.Id);
        var tokens = await query.AsNoTracking().Include(t => t.Grants).OrderBy(t => t.Id).ToListAsync(cancellationToken);
        var projectIds = tokens.SelectMany(t => t.Grants).Where(g => g.ProjectId is not null).Select(g => g.ProjectId!.Value).Distinct().ToList();
        var names = await db.Projects.Where(p => projectIds.Contains(p.Id)).ToDictionaryAsync(p => p.Id, p => p.Name, cancellationToken);
        return TypedResults.Ok(tokens.Select(t => new TokenInfo(
            t.Id,
            t.Name,
            caller.Subject,
            [.. t.Grants.OrderBy(g => g.ProjectId is null ? string.Empty : names.GetValueOrDefault(g.ProjectId.Value, string.Empty), StringComparer.Ordinal)
                .Select(g => new TokenGrantInfo(g.ProjectId is { } id ? names.GetValueOrDefault(id, "?") : null, Scopes.Names(g.Scopes)))],
            t.CreatedAt,
            t.ExpiresAt,
            t.LastUsedAt,
            t.RevokedAt is not null,
            t.RevokedAt)).ToList());
    }

    internal static async Task<Results<Created<CreatedTokenInfo>, ProblemHttpResult>> CreateAsync(
        HttpContext context, CreateTokenRequest request, WharfDbContext db, TokenService tokens, IOptions<AuthOptions> options, AuditLog audit,
        CancellationToken cancellationToken)
    {
        if (TokenRequests.CheckName(request.Name) is { } nameError)
        {
            return ApiProblems.BadRequest(nameError);
        }

        if (!TokenRequests.TryLifetime(request.ExpiresInDays, options.Value, out var lifetime, out var lifetimeError))
        {
            return ApiProblems.BadRequest(lifetimeError);
        }

        if (request.Grants is not { Count: > 0 } requested)
        {
            return ApiProblems.BadRequest("grants: at least one grant is required, e.g. {\"project\": \"ml\", \"scopes\": [\"registry:pull\"]}");
        }

        var caller = Caller.Get(context);
        var parsed = new List<(string? Project, Scope Scopes)>();
        for (var i = 0; i < requested.Count; i++)
        {
            var grant = requested[i];
            if (grant is null)
            {
                return ApiProblems.BadRequest($"grants[{i}]: must be an object with project and scopes");
            }

            if (!TokenRequests.TryScopes(grant.Scopes, $"grants[{i}].scopes", out var scopes, out var scopeError))
            {
                return ApiProblems.BadRequest(scopeError);
            }

            if (grant.Project is null)
            {
                // Every project: only a server administrator's full-rights token may hand that out.
                if (!caller.IsServerAdmin)
                {
                    return ApiProblems.BadRequest($"grants[{i}].project: is required; only an administrator may grant every project");
                }
            }
            else if (!Project.IsValidName(grant.Project) || caller.ScopesIn(grant.Project) == Scope.None)
            {
                // The same answer for "no such project" and "not yours", so the listing cannot be probed.
                return ApiProblems.BadRequest($"grants[{i}].project: '{grant.Project}' does not exist or you are not a member");
            }

            if (parsed.Any(p => p.Project == grant.Project))
            {
                return ApiProblems.BadRequest($"grants[{i}].project: '{grant.Project ?? "every project"}' is granted twice");
            }

            // A token may not mint a stronger token than itself: the new grant stays within what the caller holds now.
            var beyond = scopes & ~(grant.Project is null ? caller.EveryProject : caller.ScopesIn(grant.Project));
            if (beyond != Scope.None)
            {
                return ApiProblems.Forbidden($"grants[{i}].scopes: you do not hold {string.Join(", ", Scopes.Names(beyond))} on {grant.Project ?? "every project"}");
            }

            parsed.Add((grant.Project, scopes));
        }

        var wanted = parsed.Where(p => p.Project is not null).Select(p => p.Project!).ToList();
        var ids = await db.Projects.Where(p => wanted.Contains(p.Name)).ToDictionaryAsync(p => p.Name, p => p.Id, StringComparer.Ordinal, cancellationToken);
        if (wanted.FirstOrDefault(name => !ids.ContainsKey(name)) is { } missing)
        {
            return ApiProblems.BadRequest($"grants: project '{missing}' does not exist or you are not a member");
        }

        var created = await tokens.CreateAsync(
            caller.Kind, caller.Id, request.Name!, [.. parsed.Select(p => new TokenGrantRequest(p.Project is null ? null : ids[p.Project], p.Scopes))],
            lifetime, cancellationToken);
        await audit.RecordAsync(context, caller.Subject, "token.create", $"token:{created.Id} {request.Name}", "ok", cancellationToken);
        return TypedResults.Created(
            (string?)null,
            new CreatedTokenInfo(created.Id, request.Name!, created.Secret, [.. parsed.Select(p => new TokenGrantInfo(p.Project, Scopes.Names(p.Scopes)))], created.ExpiresAt));
    }

    internal static async Task<Results<NoContent, ProblemHttpResult>> RevokeAsync(
        HttpContext context, long id, WharfDbContext db, TokenService tokens, AuditLog audit, CancellationToken cancellationToken)
    {
        var caller = Caller.Get(context);
        var token = await db.AccessTokens.AsNoTracking()
            .Where(t => t.Id == id)
            .Select(t => new { t.UserId, t.ServiceAccountId })
            .SingleOrDefaultAsync(cancellationToken);
        var owns = token is not null && (caller.Kind == PrincipalKind.User ? token.UserId == caller.Id : token.ServiceAccountId == caller.Id);
        if (token is null || !(owns || caller.IsServerAdmin))
        {
            return ApiProblems.NotFound($"token {id} does not exist");
        }

        var revoked = await tokens.RevokeAsync(id, cancellationToken);
        await audit.RecordAsync(context, caller.Subject, "token.revoke", $"token:{id}", revoked ? "ok" : "ok: already revoked", cancellationToken);
        return TypedResults.NoContent();
    }
}
