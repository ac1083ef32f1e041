using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.EntityFrameworkCore;
using Wharf.Client.Auth;
using Wharf.Server.Data;

namespace Wharf.Server.Auth;

/// <summary>User accounts under <c>/api/v1/users</c>: server administrators only. Passwords are never echoed or logged.</summary>
internal static class UserEndpoints
{
    public const int MinPasswordLength = 8;
    public const int MaxPasswordLength = 1024;

    public static IEndpointRouteBuilder MapWharfUsers(this IEndpointRouteBuilder endpoints)
    {
        var group = endpoints.MapGroup("/api/v1/users");
        group.MapGet("", ListAsync).RequireAdmin();
        group.MapPost("", CreateAsync).RequireAdmin();
        group.MapPatch("/{username}", UpdateAsync).RequireAdmin();
        return endpoints;
    }

    internal static async Task<Ok<List<UserInfo>>> ListAsync(WharfDbContext db, CancellationToken cancellationToken)
    {
        var users = await db.Users.AsNoTracking().OrderBy(u => u.Username).ToListAsync(cancellationToken);
        return TypedResults.Ok(users.Select(Info).ToList());
    }

    internal static async Task<Results<Created<UserInfo>, ProblemHttpResult>> CreateAsync(
        HttpContext context, CreateUserRequest request, WharfDbContext db, AuthDirectory directory, AuditLog audit, CancellationToken cancellationToken)
    {
        if (!Project.IsValidName(request.Username) || request.Username.Length > User.MaxUsernameLength)
        {
            return ApiProblems.BadRequest($"username: '{request.Username}' is not a valid username: use up to {User.MaxUsernameLength} characters of [a-z0-9] joined by '.', '_' or '-'");
        }

        if (CheckPassword(request.Password) is { } passwordError)
        {
            return ApiProblems.BadRequest(passwordError);
        }

        if (await db.Users.AnyAsync(u => u.Username == request.Username, cancellationToken))
        {
            return ApiProblems.Conflict($"user '{request.Username}' already exists");
        }

        User user;
        try
        {
            user = await directory.CreateUserAsync(request.Username, request.Password, request.Admin ?? false, cancellationToken);
        }
        catch (DbUpdateException)
        {
            return ApiProblems.Conflict($"user '{request.Username}' already exists");
        }

        await audit.RecordAsync(context, Caller.Get(context).Subject, "user.create", $"user:{user.Username}", user.IsAdmin ? "ok: admin" : "ok", cancellationToken);
        return TypedResults.Created($"/api/v1/users/{user.Username}", Info(user));
    }

    internal static async Task<Results<Ok<UserInfo>, ProblemHttpResult>> UpdateAsync(
        HttpContext context, string username, UpdateUserRequest request, WharfDbContext db, AuthDirectory directory, AuditLog audit,
        CancellationToken cancellationToken)
    {
        if (request.Disabled is null && request.Password is null)
        {
            return ApiProblems.BadRequest("nothing to change: set disabled or password");
        }

        if (request.Password is not null && CheckPassword(request.Password) is { } passwordError)
        {
            return ApiProblems.BadRequest(passwordError);
        }

        var user = await db.Users.SingleOrDefaultAsync(u => u.Username == username, cancellationToken);
        if (user is null)
        {
            return ApiProblems.NotFound($"user '{username}' does not exist");
        }

        var caller = Caller.Get(context);
        if (request.Disabled == true && caller.Kind == PrincipalKind.User && caller.Id == user.Id)
        {
            // Locking yourself out is never what an administrator meant; another administrator can do it.
            return ApiProblems.Conflict("you cannot disable yourself");
        }

        var changes = new List<string>();
        if (request.Password is not null)
        {
            await directory.SetPasswordAsync(user, request.Password, cancellationToken);
            changes.Add("password changed");
        }

        if (request.Disabled is { } disabled)
        {
            user.Disabled = disabled;
            await db.SaveChangesAsync(cancellationToken);
            changes.Add(disabled ? "disabled" : "enabled");
        }

        await audit.RecordAsync(context, caller.Subject, "user.update", $"user:{user.Username}", $"ok: {string.Join(", ", changes)}", cancellationToken);
        return TypedResults.Ok(Info(user));
    }

    private static string? CheckPassword(string? password) =>
        password is not null && (password.Length < MinPasswordLength || password.Length > MaxPasswordLength)
            ? $"password: must have {MinPasswordLength} to {MaxPasswordLength} characters"
            : null;

    private static UserInfo Info(User user) => new(user.Username, user.IsAdmin, user.Disabled, user.PasswordHash is not null, user.CreatedAt);
}
