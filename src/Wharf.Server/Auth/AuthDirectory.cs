using Microsoft.AspNetCore.Identity;
using Microsoft.EntityFrameworkCore;
using Wharf.Server.Data;

namespace Wharf.Server.Auth;

/// <summary>
/// Projects, users, service accounts and memberships: the administrative side of auth. The API and UI for these
/// come with the next increment; tests and the bootstrap use this directly.
/// </summary>
internal sealed class AuthDirectory(WharfDbContext db, TimeProvider time, IPasswordHasher<User> hasher)
{
    public async Task<Project> CreateProjectAsync(string name, CancellationToken cancellationToken = default)
    {
        if (!Project.IsValidName(name))
        {
            throw new ArgumentException($"Project name '{name}' is invalid: use up to {Project.MaxNameLength} characters of [a-z0-9] joined by '.', '_' or '-'.", nameof(name));
        }

        var project = new Project { Name = name, CreatedAt = time.GetUtcNow() };
        db.Projects.Add(project);
        await db.SaveChangesAsync(cancellationToken);
        return project;
    }

    public async Task<User> CreateUserAsync(string username, string? password, bool isAdmin = false, CancellationToken cancellationToken = default)
    {
        // Same grammar as project names: usernames appear in JWT subjects and audit lines, so keep them plain.
        if (!Project.IsValidName(username))
        {
            throw new ArgumentException($"Username '{username}' is invalid: use up to {User.MaxUsernameLength} characters of [a-z0-9] joined by '.', '_' or '-'.", nameof(username));
        }

        var user = new User { Username = username, IsAdmin = isAdmin, CreatedAt = time.GetUtcNow() };
        if (password is not null)
        {
            user.PasswordHash = hasher.HashPassword(user, password);
        }

        db.Users.Add(user);
        await db.SaveChangesAsync(cancellationToken);
        return user;
    }

    public async Task<ServiceAccount> CreateServiceAccountAsync(long projectId, string name, ProjectRole role, CancellationToken cancellationToken = default)
    {
        if (!Project.IsValidName(name))
        {
            throw new ArgumentException($"Service account name '{name}' is invalid.", nameof(name));
        }

        var account = new ServiceAccount { ProjectId = projectId, Name = name, CreatedAt = time.GetUtcNow() };
        db.ServiceAccounts.Add(account);
        await db.SaveChangesAsync(cancellationToken);
        db.ProjectMembers.Add(new ProjectMember { ProjectId = projectId, ServiceAccountId = account.Id, Role = role, CreatedAt = time.GetUtcNow() });
        await db.SaveChangesAsync(cancellationToken);
        return account;
    }

    public async Task SetUserRoleAsync(long projectId, long userId, ProjectRole role, CancellationToken cancellationToken = default)
    {
        var member = await db.ProjectMembers.SingleOrDefaultAsync(m => m.ProjectId == projectId && m.UserId == userId, cancellationToken);
        if (member is null)
        {
            db.ProjectMembers.Add(new ProjectMember { ProjectId = projectId, UserId = userId, Role = role, CreatedAt = time.GetUtcNow() });
        }
        else
        {
            member.Role = role;
        }

        await db.SaveChangesAsync(cancellationToken);
    }

    /// <summary>Removes a user from a project; their tokens lose that project on their next use.</summary>
    public async Task<bool> RemoveUserAsync(long projectId, long userId, CancellationToken cancellationToken = default) =>
        await db.ProjectMembers.Where(m => m.ProjectId == projectId && m.UserId == userId).ExecuteDeleteAsync(cancellationToken) > 0;

    public async Task SetUserDisabledAsync(long userId, bool disabled, CancellationToken cancellationToken = default) =>
        await db.Users.Where(u => u.Id == userId).ExecuteUpdateAsync(s => s.SetProperty(u => u.Disabled, disabled), cancellationToken);

    /// <summary>Creates a project with <paramref name="ownerUserId"/> as its owner, both or neither.</summary>
    public async Task<Project> CreateOwnedProjectAsync(string name, long ownerUserId, CancellationToken cancellationToken = default)
    {
        await using var transaction = await db.Database.BeginTransactionAsync(cancellationToken);
        var project = await CreateProjectAsync(name, cancellationToken);
        await SetUserRoleAsync(project.Id, ownerUserId, ProjectRole.Owner, cancellationToken);
        await transaction.CommitAsync(cancellationToken);
        return project;
    }

    /// <summary>Deletes a service account of <paramref name="projectId"/>; its membership and tokens go with it (cascade).</summary>
    public async Task<bool> DeleteServiceAccountAsync(long projectId, long serviceAccountId, CancellationToken cancellationToken = default) =>
        await db.ServiceAccounts.Where(s => s.ProjectId == projectId && s.Id == serviceAccountId).ExecuteDeleteAsync(cancellationToken) > 0;
}
