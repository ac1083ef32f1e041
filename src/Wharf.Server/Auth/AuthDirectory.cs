using Microsoft.AspNetCore.Identity;
using Microsoft.EntityFrameworkCore;
using Wharf.Server.Data;

namespace Wharf.Server.Auth;

/// <summary>
/// Projects, users, service accounts and memberships: the administrative side of auth, used by the admin API
/// (<see cref="ProjectEndpoints"/>, <see cref="UserEndpoints"/>, ...), the bootstrap and tests.
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

    /// <summary>
    /// Creates a project and makes <paramref name="ownerUserId"/> its owner, all or nothing. A token names its projects
    /// by id, so the token that created the project (<paramref name="creatingTokenId"/>) could not otherwise reach it:
    /// it is granted the owner's scopes there, which lets the creator add members and mint narrower tokens with it.
    /// </summary>
    public async Task<Project> CreateProjectAsync(string name, long ownerUserId, long? creatingTokenId, CancellationToken cancellationToken = default)
    {
        await using var transaction = await db.Database.BeginTransactionAsync(cancellationToken);
        var project = await CreateProjectAsync(name, cancellationToken);
        db.ProjectMembers.Add(new ProjectMember { ProjectId = project.Id, UserId = ownerUserId, Role = ProjectRole.Owner, CreatedAt = time.GetUtcNow() });
        if (creatingTokenId is { } tokenId)
        {
            db.AccessTokenGrants.Add(new AccessTokenGrant { TokenId = tokenId, ProjectId = project.Id, Scopes = ProjectRoles.Owner });
        }

        await db.SaveChangesAsync(cancellationToken);
        await transaction.CommitAsync(cancellationToken);
        return project;
    }

    /// <summary>
    /// Removes a user from a project unless they are its last owner (a project nobody can administer would be stuck
    /// until a server administrator steps in).
    /// </summary>
    public async Task<MemberRemoval> RemoveUserUnlessLastOwnerAsync(long projectId, long userId, CancellationToken cancellationToken = default)
    {
        await using var transaction = await db.Database.BeginTransactionAsync(cancellationToken);
        await LockMembershipAsync(projectId, cancellationToken);
        var member = await db.ProjectMembers.SingleOrDefaultAsync(m => m.ProjectId == projectId && m.UserId == userId, cancellationToken);
        if (member is null)
        {
            return MemberRemoval.NotMember;
        }

        if (member.Role == ProjectRole.Owner && await CountUserOwnersAsync(projectId, cancellationToken) <= 1)
        {
            return MemberRemoval.LastOwner;
        }

        db.ProjectMembers.Remove(member);
        await db.SaveChangesAsync(cancellationToken);
        await transaction.CommitAsync(cancellationToken);
        return MemberRemoval.Removed;
    }

    /// <summary>
    /// Adds a user to a project or changes their role; false (and nothing changed) when that would demote the
    /// project's last owner.
    /// </summary>
    public async Task<bool> SetUserRoleUnlessLastOwnerAsync(long projectId, long userId, ProjectRole role, CancellationToken cancellationToken = default)
    {
        await using var transaction = await db.Database.BeginTransactionAsync(cancellationToken);
        await LockMembershipAsync(projectId, cancellationToken);
        var member = await db.ProjectMembers.SingleOrDefaultAsync(m => m.ProjectId == projectId && m.UserId == userId, cancellationToken);
        if (member is { Role: ProjectRole.Owner } && role != ProjectRole.Owner && await CountUserOwnersAsync(projectId, cancellationToken) <= 1)
        {
            return false;
        }

        if (member is null)
        {
            db.ProjectMembers.Add(new ProjectMember { ProjectId = projectId, UserId = userId, Role = role, CreatedAt = time.GetUtcNow() });
        }
        else
        {
            member.Role = role;
        }

        await db.SaveChangesAsync(cancellationToken);
        await transaction.CommitAsync(cancellationToken);
        return true;
    }

    /// <summary>
    /// Serialises membership changes of one project: a no-op UPDATE of the project row takes its row lock on
    /// PostgreSQL and the database write lock on SQLite, so two requests removing the last two owners at once cannot
    /// both see "another owner remains" (read committed alone would let them).
    /// </summary>
    private Task LockMembershipAsync(long projectId, CancellationToken cancellationToken) =>
        db.Projects.Where(p => p.Id == projectId).ExecuteUpdateAsync(s => s.SetProperty(p => p.Name, p => p.Name), cancellationToken);

    private Task<int> CountUserOwnersAsync(long projectId, CancellationToken cancellationToken) =>
        db.ProjectMembers.CountAsync(m => m.ProjectId == projectId && m.UserId != null && m.Role == ProjectRole.Owner, cancellationToken);

    public async Task SetPasswordAsync(User user, string password, CancellationToken cancellationToken = default)
    {
        user.PasswordHash = hasher.HashPassword(user, password);
        await db.SaveChangesAsync(cancellationToken);
    }

    /// <summary>Deletes a service account of <paramref name="projectId"/>; its membership and tokens go with it (cascade).</summary>
    public async Task<bool> DeleteServiceAccountAsync(long projectId, long serviceAccountId, CancellationToken cancellationToken = default) =>
        await db.ServiceAccounts.Where(s => s.ProjectId == projectId && s.Id == serviceAccountId).ExecuteDeleteAsync(cancellationToken) > 0;
}
