using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;
using Wharf.Server.Auth;
using Wharf.Server.Data;
using Wharf.Server.Tests.Data;

namespace Wharf.Server.Tests.Auth;

/// <summary>Tokens and effective access on a real database; run on SQLite and PostgreSQL by the subclasses.</summary>
public abstract class TokenServiceTests : DatabaseTestBase
{
    private readonly FakeTimeProvider time = new(new DateTimeOffset(2030, 1, 1, 12, 0, 0, TimeSpan.Zero));

    [Fact]
    public async Task CreateAsync_NewToken_StoresOnlyTheHashAndReturnsSecretOnce()
    {
        await using var services = await StartAsync();
        var (alice, project) = await SeedAsync(services, ProjectRole.Developer);

        var created = await CreateTokenAsync(services, alice, project, ProjectRoles.Developer);

        Assert.Matches("^wharf_pat_[A-Za-z0-9_-]{43}$", created.Secret);
        await using var check = Database.CreateContext();
        var stored = await check.AccessTokens.SingleAsync();
        Assert.Equal(TokenSecrets.Hash(created.Secret), stored.SecretHash);
        Assert.Equal(time.GetUtcNow() + TimeSpan.FromDays(90), stored.ExpiresAt);
        var columns = string.Join("|", stored.Name, Convert.ToBase64String(stored.SecretHash));
        Assert.DoesNotContain(created.Secret[TokenSecrets.Prefix.Length..], columns, StringComparison.Ordinal);
    }

    [Fact]
    public async Task CreateAsync_LifetimeAboveMaximum_Throws()
    {
        await using var services = await StartAsync();
        var (alice, project) = await SeedAsync(services, ProjectRole.Developer);

        await using var scope = services.CreateAsyncScope();
        var tokens = scope.ServiceProvider.GetRequiredService<TokenService>();
        await Assert.ThrowsAsync<ArgumentOutOfRangeException>(() => tokens.CreateAsync(
            PrincipalKind.User, alice, "t", [new TokenGrantRequest(project, Scope.RegistryPull)], TimeSpan.FromDays(366)));
    }

    [Fact]
    public async Task CreateAsync_EveryProjectGrantForNonAdmin_Throws()
    {
        await using var services = await StartAsync();
        var (alice, _) = await SeedAsync(services, ProjectRole.Owner);

        await using var scope = services.CreateAsyncScope();
        var tokens = scope.ServiceProvider.GetRequiredService<TokenService>();
        await Assert.ThrowsAsync<ArgumentException>(() => tokens.CreateAsync(
            PrincipalKind.User, alice, "t", [new TokenGrantRequest(null, Scope.RegistryPull)]));
    }

    [Fact]
    public async Task ValidateAsync_ValidToken_ReturnsTokenScopesIntersectedWithRole()
    {
        await using var services = await StartAsync();
        var (alice, project) = await SeedAsync(services, ProjectRole.Viewer);
        var created = await CreateTokenAsync(services, alice, project, Scope.RegistryPull | Scope.RegistryPush | Scope.TrackingRead);

        var principal = await ValidateAsync(services, created.Secret);

        Assert.NotNull(principal);
        Assert.Equal("alice", principal.Name);
        Assert.Equal(Scope.RegistryPull | Scope.TrackingRead, principal.ScopesIn("ml"));
        Assert.Equal(Scope.None, principal.ScopesIn("other"));
    }

    [Fact]
    public async Task ValidateAsync_MemberRemoved_TokenLosesTheProjectImmediately()
    {
        await using var services = await StartAsync();
        var (alice, project) = await SeedAsync(services, ProjectRole.Developer);
        var created = await CreateTokenAsync(services, alice, project, ProjectRoles.Developer);
        Assert.Equal(ProjectRoles.Developer, (await ValidateAsync(services, created.Secret))!.ScopesIn("ml"));

        await using (var scope = services.CreateAsyncScope())
        {
            Assert.True(await scope.ServiceProvider.GetRequiredService<AuthDirectory>().RemoveUserAsync(project, alice));
        }

        Assert.Equal(Scope.None, (await ValidateAsync(services, created.Secret))!.ScopesIn("ml"));
    }

    [Fact]
    public async Task ValidateAsync_RoleDowngraded_NarrowsAccess()
    {
        await using var services = await StartAsync();
        var (alice, project) = await SeedAsync(services, ProjectRole.Maintainer);
        var created = await CreateTokenAsync(services, alice, project, ProjectRoles.Maintainer);

        await using (var scope = services.CreateAsyncScope())
        {
            await scope.ServiceProvider.GetRequiredService<AuthDirectory>().SetUserRoleAsync(project, alice, ProjectRole.Viewer);
        }

        Assert.Equal(ProjectRoles.Viewer, (await ValidateAsync(services, created.Secret))!.ScopesIn("ml"));
    }

    [Fact]
    public async Task ValidateAsync_Expired_ReturnsNull()
    {
        await using var services = await StartAsync();
        var (alice, project) = await SeedAsync(services, ProjectRole.Developer);
        var created = await CreateTokenAsync(services, alice, project, ProjectRoles.Developer, TimeSpan.FromHours(1));

        time.Advance(TimeSpan.FromMinutes(59));
        Assert.NotNull(await ValidateAsync(services, created.Secret));
        time.Advance(TimeSpan.FromMinutes(1));
        Assert.Null(await ValidateAsync(services, created.Secret));
    }

    [Fact]
    public async Task ValidateAsync_Revoked_ReturnsNull()
    {
        await using var services = await StartAsync();
        var (alice, project) = await SeedAsync(services, ProjectRole.Developer);
        var created = await CreateTokenAsync(services, alice, project, ProjectRoles.Developer);

        await using (var scope = services.CreateAsyncScope())
        {
            var tokens = scope.ServiceProvider.GetRequiredService<TokenService>();
            Assert.True(await tokens.RevokeAsync(created.Id));
            Assert.False(await tokens.RevokeAsync(created.Id));
        }

        Assert.Null(await ValidateAsync(services, created.Secret));
    }

    [Fact]
    public async Task ValidateAsync_OwnerDisabled_ReturnsNull()
    {
        await using var services = await StartAsync();
        var (alice, project) = await SeedAsync(services, ProjectRole.Developer);
        var created = await CreateTokenAsync(services, alice, project, ProjectRoles.Developer);

        await using (var scope = services.CreateAsyncScope())
        {
            await scope.ServiceProvider.GetRequiredService<AuthDirectory>().SetUserDisabledAsync(alice, disabled: true);
        }

        Assert.Null(await ValidateAsync(services, created.Secret));
    }

    [Theory]
    [InlineData("")]
    [InlineData("wharf_pat_")]
    [InlineData("wharf_pat_AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA")]
    [InlineData("wharf_pat_!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!")]
    [InlineData("ghp_0123456789")]
    public async Task ValidateAsync_MalformedOrUnknown_ReturnsNull(string secret)
    {
        await using var services = await StartAsync();

        Assert.Null(await ValidateAsync(services, secret));
    }

    [Fact]
    public async Task ValidateAsync_UsedTwiceWithinResolution_WritesLastUsedOnce()
    {
        await using var services = await StartAsync();
        var (alice, project) = await SeedAsync(services, ProjectRole.Developer);
        var created = await CreateTokenAsync(services, alice, project, ProjectRoles.Developer);

        await ValidateAsync(services, created.Secret);
        var first = time.GetUtcNow();
        time.Advance(TimeSpan.FromSeconds(30));
        await ValidateAsync(services, created.Secret);
        Assert.Equal(first, await LastUsedAsync());

        time.Advance(TimeSpan.FromSeconds(31));
        await ValidateAsync(services, created.Secret);
        Assert.Equal(time.GetUtcNow(), await LastUsedAsync());

        async Task<DateTimeOffset?> LastUsedAsync()
        {
            await using var check = Database.CreateContext();
            return (await check.AccessTokens.SingleAsync()).LastUsedAt;
        }
    }

    [Fact]
    public async Task ValidateAsync_ServiceAccountToken_OnlyItsOwnProject()
    {
        await using var services = await StartAsync();
        CreatedToken created;
        await using (var scope = services.CreateAsyncScope())
        {
            var directory = scope.ServiceProvider.GetRequiredService<AuthDirectory>();
            var ml = await directory.CreateProjectAsync("ml");
            var other = await directory.CreateProjectAsync("other");
            var ci = await directory.CreateServiceAccountAsync(ml.Id, "ci", ProjectRole.Developer);
            var db = scope.ServiceProvider.GetRequiredService<WharfDbContext>();
            // A stray membership row in another project must not widen a service account's reach.
            db.ProjectMembers.Add(new ProjectMember { ProjectId = other.Id, ServiceAccountId = ci.Id, Role = ProjectRole.Owner });
            await db.SaveChangesAsync();
            created = await scope.ServiceProvider.GetRequiredService<TokenService>().CreateAsync(
                PrincipalKind.ServiceAccount, ci.Id, "ci", [new TokenGrantRequest(ml.Id, Scope.RegistryPush | Scope.RegistryPull), new TokenGrantRequest(other.Id, Scope.RegistryPull)]);
        }

        var principal = await ValidateAsync(services, created.Secret);

        Assert.NotNull(principal);
        Assert.Equal("ml/ci", principal.Name);
        Assert.Equal(Scope.RegistryPush | Scope.RegistryPull, principal.ScopesIn("ml"));
        Assert.Equal(Scope.None, principal.ScopesIn("other"));
    }

    [Fact]
    public async Task ValidateAsync_AdminEveryProjectToken_OwnerEverywhere()
    {
        await using var services = await StartAsync();
        CreatedToken created;
        await using (var scope = services.CreateAsyncScope())
        {
            var directory = scope.ServiceProvider.GetRequiredService<AuthDirectory>();
            var root = await directory.CreateUserAsync("root", null, isAdmin: true);
            created = await scope.ServiceProvider.GetRequiredService<TokenService>().CreateAsync(
                PrincipalKind.User, root.Id, "all", [new TokenGrantRequest(null, Scopes.All)]);
        }

        var principal = await ValidateAsync(services, created.Secret);

        Assert.NotNull(principal);
        Assert.True(principal.IsAdmin);
        Assert.Equal(ProjectRoles.Owner, principal.ScopesIn("anything"));
    }

    [Fact]
    public async Task CredentialValidator_PasswordAndWrongPassword_OnlyRightOneAuthenticates()
    {
        await using var services = await StartAsync();
        await using (var scope = services.CreateAsyncScope())
        {
            await scope.ServiceProvider.GetRequiredService<AuthDirectory>().CreateUserAsync("bob", "correct horse");
        }

        await using var check = services.CreateAsyncScope();
        var credentials = check.ServiceProvider.GetRequiredService<CredentialValidator>();
        Assert.NotNull(await credentials.ValidateAsync("bob", "correct horse"));
        Assert.Null(await credentials.ValidateAsync("bob", "wrong"));
        Assert.Null(await credentials.ValidateAsync("nobody", "correct horse"));
        await using var db = Database.CreateContext();
        Assert.DoesNotContain("correct horse", (await db.Users.SingleAsync()).PasswordHash!, StringComparison.Ordinal);
    }

    private async Task<ServiceProvider> StartAsync()
    {
        var services = Database.CreateServices(time, s => s.AddWharfAuth());
        await services.GetRequiredService<DatabaseMigrator>().MigrateAsync();
        return services;
    }

    private static async Task<(long User, long Project)> SeedAsync(ServiceProvider services, ProjectRole role)
    {
        await using var scope = services.CreateAsyncScope();
        var directory = scope.ServiceProvider.GetRequiredService<AuthDirectory>();
        var project = await directory.CreateProjectAsync("ml");
        var user = await directory.CreateUserAsync("alice", "s3cret-password");
        await directory.SetUserRoleAsync(project.Id, user.Id, role);
        return (user.Id, project.Id);
    }

    private static async Task<CreatedToken> CreateTokenAsync(ServiceProvider services, long user, long project, Scope scopes, TimeSpan? lifetime = null)
    {
        await using var scope = services.CreateAsyncScope();
        return await scope.ServiceProvider.GetRequiredService<TokenService>().CreateAsync(
            PrincipalKind.User, user, "laptop", [new TokenGrantRequest(project, scopes)], lifetime);
    }

    private static async Task<AuthPrincipal?> ValidateAsync(ServiceProvider services, string secret)
    {
        await using var scope = services.CreateAsyncScope();
        return await scope.ServiceProvider.GetRequiredService<TokenService>().ValidateAsync(secret);
    }
}
