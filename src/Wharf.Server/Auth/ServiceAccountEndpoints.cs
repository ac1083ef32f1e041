using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using Wharf.Client.Auth;
using Wharf.Server.Data;

namespace Wharf.Server.Auth;

/// <summary>
/// A project's service accounts and their tokens under <c>/api/v1/projects/{project}/service-accounts</c>; all of it
/// needs <c>project:admin</c>. A token's secret is in the create answer only.
/// </summary>
internal static class ServiceAccountEndpoints
{
    public static IEndpointRouteBuilder MapWharfServiceAccounts(this IEndpointRouteBuilder endpoints)
    {
        var inProject = ProjectLocators.Project("project");
        var group = endpoints.MapGroup("/api/v1/projects/{project}/service-accounts");
        group.MapGet("", ListAsync).RequireProjectScope(Scope.ProjectAdmin, inProject);
        group.MapPost("", CreateAsync).RequireProjectScope(Scope.ProjectAdmin, inProject);
        group.MapDelete("/{name}", DeleteAsync).RequireProjectScope(Scope.ProjectAdmin, inProject);
        group.MapPost("/{name}/tokens", CreateTokenAsync).RequireProjectScope(Scope.ProjectAdmin, inProject);
        return endpoints;
    }

    internal static async Task<Results<Ok<List<ServiceAccountInfo>>, ProblemHttpResult>> ListAsync(
        string project, WharfDbContext db, CancellationToken cancellationToken)
    {
        if (await FindProjectIdAsync(db, project, cancellationToken) is not { } projectId)
        {
            return ApiProblems.NotFound($"project '{project}' does not exist");
        }

        var accounts = await (
            from s in db.ServiceAccounts
            join m in db.ProjectMembers on s.Id equals m.ServiceAccountId
            where s.ProjectId == projectId && m.ProjectId == projectId
            orderby s.Name
            select new { s.Name, m.Role, s.Disabled, s.CreatedAt }).ToListAsync(cancellationToken);
        return TypedResults.Ok(accounts.Select(a => new ServiceAccountInfo(project, a.Name, ProjectRoles.NameOf(a.Role), a.Disabled, a.CreatedAt)).ToList());
    }

    internal static async Task<Results<Created<ServiceAccountInfo>, ProblemHttpResult>> CreateAsync(
        HttpContext context, string project, CreateServiceAccountRequest request, WharfDbContext db, AuthDirectory directory, AuditLog audit,
        CancellationToken cancellationToken)
    {
        if (!Project.IsValidName(request.Name) || request.Name.Length > ServiceAccount.MaxNameLength)
        {
            return ApiProblems.BadRequest($"name: '{request.Name}' is not a valid service account name: use up to {ServiceAccount.MaxNameLength} characters of [a-z0-9] joined by '.', '_' or '-'");
        }

        if (!ProjectRoles.TryParse(request.Role, out var role))
        {
            return ApiProblems.BadRequest($"role: '{request.Role}' is not a role; use one of {string.Join(", ", ProjectRoles.Names)}");
        }

        if (await FindProjectIdAsync(db, project, cancellationToken) is not { } projectId)
        {
            return ApiProblems.NotFound($"project '{project}' does not exist");
        }

        if (await db.ServiceAccounts.AnyAsync(s => s.ProjectId == projectId && s.Name == request.Name, cancellationToken))
        {
            return ApiProblems.Conflict($"service account '{project}/{request.Name}' already exists");
        }

        ServiceAccount account;
        try
        {
            account = await directory.CreateServiceAccountAsync(projectId, request.Name, role, cancellationToken);
        }
        catch (DbUpdateException)
        {
            return ApiProblems.Conflict($"service account '{project}/{request.Name}' already exists");
        }

        await audit.RecordAsync(context, Caller.Get(context).Subject, "service-account.create", $"{project}/{account.Name}", $"ok: {ProjectRoles.NameOf(role)}", cancellationToken);
        return TypedResults.Created(
            $"/api/v1/projects/{project}/service-accounts/{account.Name}",
            new ServiceAccountInfo(project, account.Name, ProjectRoles.NameOf(role), account.Disabled, account.CreatedAt));
    }

    internal static async Task<Results<NoContent, ProblemHttpResult>> DeleteAsync(
        HttpContext context, string project, string name, WharfDbContext db, AuditLog audit, CancellationToken cancellationToken)
    {
        if (await FindProjectIdAsync(db, project, cancellationToken) is not { } projectId)
        {
            return ApiProblems.NotFound($"project '{project}' does not exist");
        }

        // Its membership and its tokens go with it (foreign keys), so its tokens stop working at once.
        var deleted = await db.ServiceAccounts.Where(s => s.ProjectId == projectId && s.Name == name).ExecuteDeleteAsync(cancellationToken);
        if (deleted == 0)
        {
            return ApiProblems.NotFound($"service account '{project}/{name}' does not exist");
        }

        await audit.RecordAsync(context, Caller.Get(context).Subject, "service-account.delete", $"{project}/{name}", "ok", cancellationToken);
        return TypedResults.NoContent();
    }

    internal static async Task<Results<Created<CreatedTokenInfo>, ProblemHttpResult>> CreateTokenAsync(
        HttpContext context, string project, string name, CreateServiceAccountTokenRequest request, WharfDbContext db, TokenService tokens,
        IOptions<AuthOptions> options, AuditLog audit, CancellationToken cancellationToken)
    {
        if (TokenRequests.CheckName(request.Name) is { } nameError)
        {
            return ApiProblems.BadRequest(nameError);
        }

        if (!TokenRequests.TryScopes(request.Scopes, "scopes", out var scopes, out var scopeError))
        {
            return ApiProblems.BadRequest(scopeError);
        }

        if (!TokenRequests.TryLifetime(request.ExpiresInDays, options.Value, out var lifetime, out var lifetimeError))
        {
            return ApiProblems.BadRequest(lifetimeError);
        }

        if (await FindProjectIdAsync(db, project, cancellationToken) is not { } projectId)
        {
            return ApiProblems.NotFound($"project '{project}' does not exist");
        }

        var account = await db.ServiceAccounts.AsNoTracking().SingleOrDefaultAsync(s => s.ProjectId == projectId && s.Name == name, cancellationToken);
        if (account is null)
        {
            return ApiProblems.NotFound($"service account '{project}/{name}' does not exist");
        }

        var created = await tokens.CreateAsync(PrincipalKind.ServiceAccount, account.Id, request.Name!, [new TokenGrantRequest(projectId, scopes)], lifetime, cancellationToken);
        await audit.RecordAsync(
            context, Caller.Get(context).Subject, "service-account.token.create", $"{project}/{name} token:{created.Id}", "ok", cancellationToken);
        return TypedResults.Created(
            (string?)null,
            new CreatedTokenInfo(created.Id, request.Name!, created.Secret, [new TokenGrantInfo(project, Scopes.Names(scopes))], created.ExpiresAt));
    }

    private static async Task<long?> FindProjectIdAsync(WharfDbContext db, string project, CancellationToken cancellationToken) =>
        await db.Projects.Where(p => p.Name == project).Select(p => (long?)p.Id).SingleOrDefaultAsync(cancellationToken);
}
