using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.EntityFrameworkCore;
using Wharf.Client.Auth;
using Wharf.Server.Data;

namespace Wharf.Server.Auth;

/// <summary>
/// Projects and their members under <c>/api/v1/projects</c> (problem details on errors). Reading a project needs any
/// role in it; changing it needs <c>project:admin</c>; listing returns only the caller's projects, filtered in SQL.
/// </summary>
internal static class ProjectEndpoints
{
    public static IEndpointRouteBuilder MapWharfProjects(this IEndpointRouteBuilder endpoints)
    {
        var inProject = ProjectLocators.Project("project");
        var group = endpoints.MapGroup("/api/v1/projects");
        group.MapGet("", ListAsync).RequireSignedIn();
        group.MapPost("", CreateAsync).RequireSignedIn();
        group.MapGet("/{project}", GetAsync).RequireProjectMember(inProject);
        group.MapDelete("/{project}", DeleteAsync).RequireProjectScope(Scope.ProjectAdmin, inProject);
        group.MapGet("/{project}/members", ListMembersAsync).RequireProjectMember(inProject);
        group.MapPut("/{project}/members/{username}", SetMemberAsync).RequireProjectScope(Scope.ProjectAdmin, inProject);
        group.MapDelete("/{project}/members/{username}", RemoveMemberAsync).RequireProjectScope(Scope.ProjectAdmin, inProject);
        return endpoints;
    }

    internal static async Task<Ok<List<ProjectInfo>>> ListAsync(HttpContext context, WharfDbContext db, CancellationToken cancellationToken)
    {
        var caller = Caller.Get(context);
        var query = db.Projects.AsNoTracking();
        if (caller.EveryProject == Scope.None)
        {
            // The principal's projects were read from project_members for this request; the filter runs in SQL.
            var names = caller.Projects.Keys.ToList();
            query = query.Where(p => names.Contains(p.Name));
        }

        var projects = await query.OrderBy(p => p.Name).Select(p => new { p.Name, p.CreatedAt }).ToListAsync(cancellationToken);
        return TypedResults.Ok(projects.Select(p => new ProjectInfo(p.Name, p.CreatedAt, Scopes.Names(caller.ScopesIn(p.Name)))).ToList());
    }

    internal static async Task<Results<Created<ProjectInfo>, ProblemHttpResult>> CreateAsync(
        HttpContext context, CreateProjectRequest request, WharfDbContext db, AuthDirectory directory, AuditLog audit, CancellationToken cancellationToken)
    {
        var caller = Caller.Get(context);
        if (caller.Kind != PrincipalKind.User)
        {
            return ApiProblems.Forbidden("only users create projects; a service account belongs to one project");
        }

        if (!Project.IsValidName(request.Name))
        {
            return ApiProblems.BadRequest($"name: '{request.Name}' is not a valid project name: use up to {Project.MaxNameLength} characters of [a-z0-9] joined by '.', '_' or '-'");
        }

        if (await db.Projects.AnyAsync(p => p.Name == request.Name, cancellationToken))
        {
            return ApiProblems.Conflict($"project '{request.Name}' already exists");
        }

        Project project;
        try
        {
            // An every-project token reaches the new project already; any other token needs a grant for it.
            var tokenId = caller.EveryProject.HasFlag(ProjectRoles.Owner) ? null : caller.TokenId;
            project = await directory.CreateProjectAsync(request.Name, caller.Id, tokenId, cancellationToken);
        }
        catch (DbUpdateException)
        {
            // Another request created the same name between the check and the insert.
            return ApiProblems.Conflict($"project '{request.Name}' already exists");
        }

        await audit.RecordAsync(context, caller.Subject, "project.create", project.Name, "ok", cancellationToken);
        return TypedResults.Created($"/api/v1/projects/{project.Name}", new ProjectInfo(project.Name, project.CreatedAt, Scopes.Names(ProjectRoles.Owner)));
    }

    internal static async Task<Results<Ok<ProjectInfo>, ProblemHttpResult>> GetAsync(
        HttpContext context, string project, WharfDbContext db, CancellationToken cancellationToken)
    {
        var found = await db.Projects.AsNoTracking().SingleOrDefaultAsync(p => p.Name == project, cancellationToken);
        return found is null
            ? ApiProblems.NotFound($"project '{project}' does not exist")
            : TypedResults.Ok(new ProjectInfo(found.Name, found.CreatedAt, Scopes.Names(Caller.Get(context).ScopesIn(found.Name))));
    }

    internal static async Task<Results<NoContent, ProblemHttpResult>> DeleteAsync(
        HttpContext context, string project, WharfDbContext db, AuditLog audit, CancellationToken cancellationToken)
    {
        var found = await db.Projects.AsNoTracking().SingleOrDefaultAsync(p => p.Name == project, cancellationToken);
        if (found is null)
        {
            return ApiProblems.NotFound($"project '{project}' does not exist");
        }

        var caller = Caller.Get(context);
        if (await db.RegistryRepositories.AnyAsync(r => r.Project == project, cancellationToken))
        {
            // Deleting the project would orphan images nobody could then be granted access to.
            await audit.RecordAsync(context, caller.Subject, "project.delete", project, "refused: has registry repositories", cancellationToken);
            return ApiProblems.Conflict($"project '{project}' still has registry repositories; delete them first");
        }

        // Members, service accounts (with their tokens) and token grants on the project go with it (foreign keys).
        await db.Projects.Where(p => p.Id == found.Id).ExecuteDeleteAsync(cancellationToken);
        await audit.RecordAsync(context, caller.Subject, "project.delete", project, "ok", cancellationToken);
        return TypedResults.NoContent();
    }

    internal static async Task<Results<Ok<List<ProjectMemberInfo>>, ProblemHttpResult>> ListMembersAsync(
        string project, WharfDbContext db, CancellationToken cancellationToken)
    {
        var found = await db.Projects.AsNoTracking().SingleOrDefaultAsync(p => p.Name == project, cancellationToken);
        if (found is null)
        {
            return ApiProblems.NotFound($"project '{project}' does not exist");
        }

        var users = await (
            from m in db.ProjectMembers
            join u in db.Users on m.UserId equals u.Id
            where m.ProjectId == found.Id
            select new { u.Username, m.Role, m.CreatedAt }).ToListAsync(cancellationToken);
        var accounts = await (
            from m in db.ProjectMembers
            join s in db.ServiceAccounts on m.ServiceAccountId equals s.Id
            where m.ProjectId == found.Id
            select new { s.Name, m.Role, m.CreatedAt }).ToListAsync(cancellationToken);
        var members = users.Select(u => new ProjectMemberInfo("user", u.Username, ProjectRoles.NameOf(u.Role), u.CreatedAt))
            .Concat(accounts.Select(a => new ProjectMemberInfo("service-account", a.Name, ProjectRoles.NameOf(a.Role), a.CreatedAt)))
            .OrderBy(m => m.Kind, StringComparer.Ordinal).ThenBy(m => m.Name, StringComparer.Ordinal)
            .ToList();
        return TypedResults.Ok(members);
    }

    internal static async Task<Results<Ok<ProjectMemberInfo>, ProblemHttpResult>> SetMemberAsync(
        HttpContext context, string project, string username, SetMemberRoleRequest request, WharfDbContext db, AuthDirectory directory, AuditLog audit,
        CancellationToken cancellationToken)
    {
        if (!ProjectRoles.TryParse(request.Role, out var role))
        {
            return ApiProblems.BadRequest($"role: '{request.Role}' is not a role; use one of {string.Join(", ", ProjectRoles.Names)}");
        }

        var found = await db.Projects.AsNoTracking().SingleOrDefaultAsync(p => p.Name == project, cancellationToken);
        if (found is null)
        {
            return ApiProblems.NotFound($"project '{project}' does not exist");
        }

        var user = await db.Users.AsNoTracking().SingleOrDefaultAsync(u => u.Username == username, cancellationToken);
        if (user is null)
        {
            return ApiProblems.NotFound($"user '{username}' does not exist");
        }

        var caller = Caller.Get(context);
        var target = $"{project}/{username}";
        if (!await directory.SetUserRoleUnlessLastOwnerAsync(found.Id, user.Id, role, cancellationToken))
        {
            await audit.RecordAsync(context, caller.Subject, "project.member.set", target, "refused: last owner", cancellationToken);
            return ApiProblems.Conflict($"'{username}' is the last owner of '{project}'; make someone else owner first");
        }

        await audit.RecordAsync(context, caller.Subject, "project.member.set", target, $"ok: {ProjectRoles.NameOf(role)}", cancellationToken);
        var since = await db.ProjectMembers.Where(m => m.ProjectId == found.Id && m.UserId == user.Id).Select(m => m.CreatedAt).SingleAsync(cancellationToken);
        return TypedResults.Ok(new ProjectMemberInfo("user", user.Username, ProjectRoles.NameOf(role), since));
    }

    internal static async Task<Results<NoContent, ProblemHttpResult>> RemoveMemberAsync(
        HttpContext context, string project, string username, WharfDbContext db, AuthDirectory directory, AuditLog audit, CancellationToken cancellationToken)
    {
        var found = await db.Projects.AsNoTracking().SingleOrDefaultAsync(p => p.Name == project, cancellationToken);
        if (found is null)
        {
            return ApiProblems.NotFound($"project '{project}' does not exist");
        }

        var user = await db.Users.AsNoTracking().SingleOrDefaultAsync(u => u.Username == username, cancellationToken);
        var outcome = user is null ? MemberRemoval.NotMember : await directory.RemoveUserUnlessLastOwnerAsync(found.Id, user.Id, cancellationToken);
        var caller = Caller.Get(context);
        var target = $"{project}/{username}";
        switch (outcome)
        {
            case MemberRemoval.NotMember:
                return ApiProblems.NotFound($"'{username}' is not a member of '{project}'");
            case MemberRemoval.LastOwner:
                await audit.RecordAsync(context, caller.Subject, "project.member.remove", target, "refused: last owner", cancellationToken);
                return ApiProblems.Conflict($"'{username}' is the last owner of '{project}'; make someone else owner first");
            default:
                await audit.RecordAsync(context, caller.Subject, "project.member.remove", target, "ok", cancellationToken);
                return TypedResults.NoContent();
        }
    }
}
