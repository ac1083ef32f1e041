using System.Security.Cryptography;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using Wharf.Server.Data;

namespace Wharf.Server.Auth;

/// <summary>
/// Creates, validates and revokes personal and service-account tokens, and resolves what a principal may do now.
/// Effective access is always computed from the database at validation time (token grants ∩ current role), which is
/// what makes revocation, disabling and membership removal take effect on the next request.
/// </summary>
internal sealed class TokenService(WharfDbContext db, TimeProvider time, IOptions<AuthOptions> options)
{
    private readonly AuthOptions options = options.Value;

    public async Task<CreatedToken> CreateAsync(
        PrincipalKind ownerKind,
        long ownerId,
        string name,
        IReadOnlyList<TokenGrantRequest> grants,
        TimeSpan? lifetime = null,
        CancellationToken cancellationToken = default)
    {
        if (string.IsNullOrWhiteSpace(name) || name.Length > AccessToken.MaxNameLength)
        {
            throw new ArgumentException($"A token name must have 1 to {AccessToken.MaxNameLength} characters.", nameof(name));
        }

        var life = lifetime ?? options.DefaultTokenLifetime;
        if (life <= TimeSpan.Zero || life > options.MaxTokenLifetime)
        {
            throw new ArgumentOutOfRangeException(nameof(lifetime), life, $"A token lifetime must be positive and at most {options.MaxTokenLifetime} (Wharf:Auth:MaxTokenLifetime).");
        }

        if (grants.Count == 0 || grants.Any(g => g.Scopes == Scope.None || (g.Scopes & ~Scopes.All) != 0))
        {
            throw new ArgumentException("A token needs at least one grant, each with known scopes.", nameof(grants));
        }

        if (grants.Select(g => g.ProjectId).Distinct().Count() != grants.Count)
        {
            throw new ArgumentException("A token has at most one grant per project.", nameof(grants));
        }

        if (grants.Any(g => g.ProjectId is null))
        {
            // An every-project grant would outlive the admin flag's meaning for anyone else; refuse it up front.
            var isAdmin = ownerKind == PrincipalKind.User
                && await db.Users.AnyAsync(u => u.Id == ownerId && u.IsAdmin, cancellationToken);
            if (!isAdmin)
            {
                throw new ArgumentException("Only an administrator's token may be granted every project.", nameof(grants));
            }
        }

        var secret = TokenSecrets.Generate();
        var now = time.GetUtcNow();
        var token = new AccessToken
        {
            Name = name,
            SecretHash = TokenSecrets.Hash(secret),
            UserId = ownerKind == PrincipalKind.User ? ownerId : null,
            ServiceAccountId = ownerKind == PrincipalKind.ServiceAccount ? ownerId : null,
            CreatedAt = now,
            ExpiresAt = now + life,
        };
        token.Grants.AddRange(grants.Select(g => new AccessTokenGrant { ProjectId = g.ProjectId, Scopes = g.Scopes }));
        db.AccessTokens.Add(token);
        await db.SaveChangesAsync(cancellationToken);
        return new CreatedToken(token.Id, secret, token.ExpiresAt);
    }

    /// <summary>
    /// The principal behind <paramref name="secret"/>, or null when the token is malformed, unknown, expired,
    /// revoked or its owner is disabled. Records the use (throttled).
    /// </summary>
    public async Task<AuthPrincipal?> ValidateAsync(string? secret, CancellationToken cancellationToken = default)
    {
        if (!TokenSecrets.LooksLikeToken(secret))
        {
            return null;
        }

        var hash = TokenSecrets.Hash(secret);
        var token = await db.AccessTokens.AsNoTracking()
            .Include(t => t.Grants)
            .SingleOrDefaultAsync(t => t.SecretHash == hash, cancellationToken);

        // The lookup is by an index on the hash; the constant-time compare keeps the final decision independent of
        // how many leading bytes matched, should a provider ever compare loosely.
        if (token is null || !CryptographicOperations.FixedTimeEquals(token.SecretHash, hash))
        {
            return null;
        }

        var now = time.GetUtcNow();
        if (token.RevokedAt is not null || token.ExpiresAt <= now)
        {
            return null;
        }

        var principal = token.UserId is { } userId
            ? await ResolveUserAsync(userId, token, cancellationToken)
            : await ResolveServiceAccountAsync(token.ServiceAccountId!.Value, token, cancellationToken);
        if (principal is null)
        {
            return null;
        }

        await TouchAsync(token, now, cancellationToken);
        return principal;
    }

    /// <summary>
    /// The principal for an already authenticated identity (password login, refresh token): with
    /// <paramref name="tokenId"/> its access is narrowed by that token, which must still be valid.
    /// </summary>
    public async Task<AuthPrincipal?> ResolveAsync(
        PrincipalKind kind, long id, long? tokenId, CancellationToken cancellationToken = default)
    {
        AccessToken? token = null;
        if (tokenId is not null)
        {
            token = await db.AccessTokens.AsNoTracking().Include(t => t.Grants)
                .SingleOrDefaultAsync(t => t.Id == tokenId, cancellationToken);
            var owner = kind == PrincipalKind.User ? token?.UserId : token?.ServiceAccountId;
            if (token is null || owner != id || token.RevokedAt is not null || token.ExpiresAt <= time.GetUtcNow())
            {
                return null;
            }
        }

        return kind == PrincipalKind.User
            ? await ResolveUserAsync(id, token, cancellationToken)
            : await ResolveServiceAccountAsync(id, token, cancellationToken);
    }

    /// <summary>Revokes a token; true when it existed and was not revoked already.</summary>
    public async Task<bool> RevokeAsync(long tokenId, CancellationToken cancellationToken = default)
    {
        var now = time.GetUtcNow();
        var changed = await db.AccessTokens
            .Where(t => t.Id == tokenId && t.RevokedAt == null)
            .ExecuteUpdateAsync(s => s.SetProperty(t => t.RevokedAt, now), cancellationToken);
        return changed == 1;
    }

    private async Task<AuthPrincipal?> ResolveUserAsync(long userId, AccessToken? token, CancellationToken cancellationToken)
    {
        var user = await db.Users.AsNoTracking().SingleOrDefaultAsync(u => u.Id == userId, cancellationToken);
        if (user is null || user.Disabled)
        {
            return null;
        }

        if (user.IsAdmin)
        {
            // An administrator is owner of every project, so the role side of the intersection is Owner everywhere.
            if (token is null)
            {
                return new AuthPrincipal(PrincipalKind.User, user.Id, user.Username, true, null, new Dictionary<string, Scope>(), ProjectRoles.Owner);
            }

            var every = token.Grants.SingleOrDefault(g => g.ProjectId is null)?.Scopes ?? Scope.None;
            var named = await ProjectNamesAsync(token, cancellationToken);
            var projects = token.Grants.Where(g => g.ProjectId is not null)
                .Where(g => named.ContainsKey(g.ProjectId!.Value))
                .ToDictionary(g => named[g.ProjectId!.Value], g => g.Scopes & ProjectRoles.Owner, StringComparer.Ordinal);
            return new AuthPrincipal(PrincipalKind.User, user.Id, user.Username, true, token.Id, projects, every & ProjectRoles.Owner);
        }

        var roles = await (
            from m in db.ProjectMembers
            join p in db.Projects on m.ProjectId equals p.Id
            where m.UserId == userId
            select new { p.Id, p.Name, m.Role }).ToListAsync(cancellationToken);
        var access = Intersect(roles.Select(r => (r.Id, r.Name, r.Role)), token);
        return new AuthPrincipal(PrincipalKind.User, user.Id, user.Username, false, token?.Id, access, Scope.None);
    }

    private async Task<AuthPrincipal?> ResolveServiceAccountAsync(long accountId, AccessToken? token, CancellationToken cancellationToken)
    {
        var account = await (
            from s in db.ServiceAccounts
            join p in db.Projects on s.ProjectId equals p.Id
            where s.Id == accountId
            select new { s.Id, s.Name, s.Disabled, s.ProjectId, Project = p.Name }).SingleOrDefaultAsync(cancellationToken);
        if (account is null || account.Disabled)
        {
            return null;
        }

        // A service account acts only in the project it belongs to, whatever other rows might say.
        var roles = await db.ProjectMembers
            .Where(m => m.ServiceAccountId == accountId && m.ProjectId == account.ProjectId)
            .Select(m => m.Role).ToListAsync(cancellationToken);
        var access = Intersect(roles.Select(r => (account.ProjectId, account.Project, r)), token);
        return new AuthPrincipal(PrincipalKind.ServiceAccount, account.Id, $"{account.Project}/{account.Name}", false, token?.Id, access, Scope.None);
    }

    private static Dictionary<string, Scope> Intersect(IEnumerable<(long Id, string Name, ProjectRole Role)> roles, AccessToken? token)
    {
        var access = new Dictionary<string, Scope>(StringComparer.Ordinal);
        foreach (var (projectId, name, role) in roles)
        {
            var allowed = ProjectRoles.ScopesOf(role);
            if (token is not null)
            {
                allowed &= token.Grants.SingleOrDefault(g => g.ProjectId == projectId)?.Scopes ?? Scope.None;
            }

            if (allowed != Scope.None)
            {
                access[name] = allowed;
            }
        }

        return access;
    }

    private async Task<Dictionary<long, string>> ProjectNamesAsync(AccessToken token, CancellationToken cancellationToken)
    {
        var ids = token.Grants.Where(g => g.ProjectId is not null).Select(g => g.ProjectId!.Value).ToList();
        return ids.Count == 0
            ? []
            : await db.Projects.Where(p => ids.Contains(p.Id)).ToDictionaryAsync(p => p.Id, p => p.Name, cancellationToken);
    }

    private async Task TouchAsync(AccessToken token, DateTimeOffset now, CancellationToken cancellationToken)
    {
        // At most one write per token per LastUsedResolution; the condition in SQL keeps concurrent requests from
        // each writing too.
        var threshold = now - options.LastUsedResolution;
        if (token.LastUsedAt is { } last && last > threshold)
        {
            return;
        }

        await db.AccessTokens
            .Where(t => t.Id == token.Id && (t.LastUsedAt == null || t.LastUsedAt <= threshold))
            .ExecuteUpdateAsync(s => s.SetProperty(t => t.LastUsedAt, now), cancellationToken);
    }
}
