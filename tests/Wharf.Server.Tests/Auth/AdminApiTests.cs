using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Wharf.Client;
using Wharf.Client.Auth;
using Wharf.Server.Auth;
using Wharf.Server.Data;
using Wharf.Server.Registry;
using Wharf.Server.Tests.Infrastructure;

namespace Wharf.Server.Tests.Auth;

/// <summary>The admin API (projects, members, service accounts, tokens, users, audit) on the real server in-process.</summary>
public sealed class AdminApiTests : IDisposable
{
    private readonly WharfFactory factory = new();
    private readonly HttpClient admin;
    private readonly HttpClient anonymous;

    public AdminApiTests()
    {
        admin = factory.CreateClient();
        anonymous = factory.CreateAnonymousClient();
    }

    public void Dispose()
    {
        admin.Dispose();
        anonymous.Dispose();
        factory.Dispose();
    }

    [Fact]
    public async Task CreateProject_User_BecomesOwnerAndManagesWithSameToken()
    {
        var alice = await UserWithTokenAsync("alice");
        await CreateUserAsync("bob");

        using var created = await SendAsync(HttpMethod.Post, "/api/v1/projects", alice, new CreateProjectRequest("alpha"));
        Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        using var added = await SendAsync(HttpMethod.Put, "/api/v1/projects/alpha/members/bob", alice, new SetMemberRoleRequest("viewer"));
        Assert.Equal(HttpStatusCode.OK, added.StatusCode);

        var members = await GetAsync("/api/v1/projects/alpha/members", alice, WharfJsonContext.Default.IReadOnlyListProjectMemberInfo);
        Assert.Equal([("alice", "owner"), ("bob", "viewer")], members.Select(m => (m.Name, m.Role)));
        var projects = await GetAsync("/api/v1/projects", alice, WharfJsonContext.Default.IReadOnlyListProjectInfo);
        var only = Assert.Single(projects);
        Assert.Equal("alpha", only.Name);
        Assert.Contains("project:admin", only.Scopes);
    }

    [Fact]
    public async Task ListProjects_FilteredByMembership_AdminSeesAll()
    {
        await AdminCreateProjectAsync("alpha");
        await AdminCreateProjectAsync("beta");
        var bob = await UserWithTokenAsync("bob", "alpha", "beta");
        await AdminSetRoleAsync("alpha", "bob", "developer");

        var bobs = await GetAsync("/api/v1/projects", bob, WharfJsonContext.Default.IReadOnlyListProjectInfo);
        var admins = await GetAsync("/api/v1/projects", factory.AdminToken, WharfJsonContext.Default.IReadOnlyListProjectInfo);

        Assert.Equal(["alpha"], bobs.Select(p => p.Name));
        Assert.Equal(["alpha", "beta"], admins.Select(p => p.Name).Where(n => n is "alpha" or "beta"));
    }

    [Theory]
    [InlineData("Alpha")]
    [InlineData("a/b")]
    [InlineData("-alpha")]
    [InlineData("")]
    [InlineData("../etc")]
    public async Task CreateProject_BadName_Returns400NamingField(string name)
    {
        using var response = await SendAsync(HttpMethod.Post, "/api/v1/projects", factory.AdminToken, new CreateProjectRequest(name));

        var problem = await ProblemAsync(response, HttpStatusCode.BadRequest);
        Assert.StartsWith("name:", problem.Detail, StringComparison.Ordinal);
    }

    [Fact]
    public async Task CreateProject_Duplicate_Returns409()
    {
        await AdminCreateProjectAsync("alpha");

        using var response = await SendAsync(HttpMethod.Post, "/api/v1/projects", factory.AdminToken, new CreateProjectRequest("alpha"));

        await ProblemAsync(response, HttpStatusCode.Conflict);
    }

    [Fact]
    public async Task CreateProject_ServiceAccount_Returns403()
    {
        await AdminCreateProjectAsync("alpha");
        var robot = await ServiceAccountTokenAsync("alpha", "ci", "owner", ["project:admin"]);

        using var response = await SendAsync(HttpMethod.Post, "/api/v1/projects", robot, new CreateProjectRequest("robots"));

        await ProblemAsync(response, HttpStatusCode.Forbidden);
    }

    [Fact]
    public async Task AddMember_Viewer_Returns403AndAudits()
    {
        await AdminCreateProjectAsync("alpha");
        var viewer = await UserWithTokenAsync("vera", "alpha");
        await AdminSetRoleAsync("alpha", "vera", "viewer");
        await CreateUserAsync("mallory");

        using var response = await SendAsync(HttpMethod.Put, "/api/v1/projects/alpha/members/mallory", viewer, new SetMemberRoleRequest("owner"));

        await ProblemAsync(response, HttpStatusCode.Forbidden);
        var members = await GetAsync("/api/v1/projects/alpha/members", factory.AdminToken, WharfJsonContext.Default.IReadOnlyListProjectMemberInfo);
        Assert.DoesNotContain(members, m => m.Name == "mallory");
        Assert.Contains(await AuditAsync(), e => e.Action == "access.denied" && e.Actor == "user:vera");
    }

    [Fact]
    public async Task ReadMembers_MemberOfOtherProject_Returns403()
    {
        await AdminCreateProjectAsync("alpha");
        await AdminCreateProjectAsync("beta");
        var alice = await UserWithTokenAsync("alice", "alpha", "beta");
        await AdminSetRoleAsync("alpha", "alice", "owner");

        using var own = await SendAsync(HttpMethod.Get, "/api/v1/projects/alpha/members", alice);
        using var other = await SendAsync(HttpMethod.Get, "/api/v1/projects/beta/members", alice);
        using var project = await SendAsync(HttpMethod.Get, "/api/v1/projects/beta", alice);

        Assert.Equal(HttpStatusCode.OK, own.StatusCode);
        await ProblemAsync(other, HttpStatusCode.Forbidden);
        await ProblemAsync(project, HttpStatusCode.Forbidden);
    }

    [Fact]
    public async Task RemoveMember_TheirTokenStopsWorkingOnThatProject()
    {
        await AdminCreateProjectAsync("alpha");
        var bob = await UserWithTokenAsync("bob", "alpha");
        await AdminSetRoleAsync("alpha", "bob", "developer");
        using (var before = await SendAsync(HttpMethod.Get, "/api/v1/projects/alpha", bob))
        {
            Assert.Equal(HttpStatusCode.OK, before.StatusCode);
        }

        using var removed = await SendAsync(HttpMethod.Delete, "/api/v1/projects/alpha/members/bob", factory.AdminToken);
        using var after = await SendAsync(HttpMethod.Get, "/api/v1/projects/alpha", bob);

        Assert.Equal(HttpStatusCode.NoContent, removed.StatusCode);
        await ProblemAsync(after, HttpStatusCode.Forbidden);
        Assert.Empty(await GetAsync("/api/v1/projects", bob, WharfJsonContext.Default.IReadOnlyListProjectInfo));
    }

    [Fact]
    public async Task SetMember_BadRoleUnknownUserUnknownProject_400And404()
    {
        await AdminCreateProjectAsync("alpha");
        await CreateUserAsync("bob");

        using var badRole = await SendAsync(HttpMethod.Put, "/api/v1/projects/alpha/members/bob", factory.AdminToken, new SetMemberRoleRequest("admin"));
        using var upperRole = await SendAsync(HttpMethod.Put, "/api/v1/projects/alpha/members/bob", factory.AdminToken, new SetMemberRoleRequest("Owner"));
        using var unknownUser = await SendAsync(HttpMethod.Put, "/api/v1/projects/alpha/members/nobody", factory.AdminToken, new SetMemberRoleRequest("viewer"));
        using var unknownProject = await SendAsync(HttpMethod.Put, "/api/v1/projects/gamma/members/bob", factory.AdminToken, new SetMemberRoleRequest("viewer"));
        using var badProject = await SendAsync(HttpMethod.Get, "/api/v1/projects/Not_Valid/members", factory.AdminToken);
        using var notMember = await SendAsync(HttpMethod.Delete, "/api/v1/projects/alpha/members/bob", factory.AdminToken);

        Assert.StartsWith("role:", (await ProblemAsync(badRole, HttpStatusCode.BadRequest)).Detail, StringComparison.Ordinal);
        await ProblemAsync(upperRole, HttpStatusCode.BadRequest);
        await ProblemAsync(unknownUser, HttpStatusCode.NotFound);
        await ProblemAsync(unknownProject, HttpStatusCode.NotFound);
        await ProblemAsync(badProject, HttpStatusCode.BadRequest);
        await ProblemAsync(notMember, HttpStatusCode.NotFound);
    }

    [Fact]
    public async Task LastOwner_CannotBeRemovedOrDemoted_UntilAnotherOwnerExists()
    {
        var alice = await UserWithTokenAsync("alice");
        await CreateUserAsync("bob");
        using (var created = await SendAsync(HttpMethod.Post, "/api/v1/projects", alice, new CreateProjectRequest("alpha")))
        {
            Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        }

        using var remove = await SendAsync(HttpMethod.Delete, "/api/v1/projects/alpha/members/alice", alice);
        using var demote = await SendAsync(HttpMethod.Put, "/api/v1/projects/alpha/members/alice", alice, new SetMemberRoleRequest("maintainer"));
        await ProblemAsync(remove, HttpStatusCode.Conflict);
        await ProblemAsync(demote, HttpStatusCode.Conflict);

        await AdminSetRoleAsync("alpha", "bob", "owner");
        using var removeNow = await SendAsync(HttpMethod.Delete, "/api/v1/projects/alpha/members/alice", factory.AdminToken);
        Assert.Equal(HttpStatusCode.NoContent, removeNow.StatusCode);
        var members = await GetAsync("/api/v1/projects/alpha/members", factory.AdminToken, WharfJsonContext.Default.IReadOnlyListProjectMemberInfo);
        Assert.Equal([("bob", "owner")], members.Select(m => (m.Name, m.Role)));
        Assert.Contains(await AuditAsync(), e => e.Action == "project.member.remove" && e.Outcome == "refused: last owner");
    }

    [Fact]
    public async Task LastOwner_TwoOwnersRemovedAtOnce_ExactlyOneRemains()
    {
        await AdminCreateProjectAsync("alpha");
        await CreateUserAsync("alice");
        await CreateUserAsync("bob");
        await AdminSetRoleAsync("alpha", "alice", "owner");
        await AdminSetRoleAsync("alpha", "bob", "owner");
        await AdminSetRoleAsync("alpha", "admin", "viewer");

        var removals = await Task.WhenAll(
            SendAsync(HttpMethod.Delete, "/api/v1/projects/alpha/members/alice", factory.AdminToken),
            SendAsync(HttpMethod.Delete, "/api/v1/projects/alpha/members/bob", factory.AdminToken));

        Assert.Equal([HttpStatusCode.NoContent, HttpStatusCode.Conflict], removals.Select(r => r.StatusCode).Order());
        foreach (var removal in removals)
        {
            removal.Dispose();
        }

        var members = await GetAsync("/api/v1/projects/alpha/members", factory.AdminToken, WharfJsonContext.Default.IReadOnlyListProjectMemberInfo);
        Assert.Single(members, m => m.Role == "owner");
    }

    [Theory]
    [InlineData("registry:*")]
    [InlineData("registry:pull:x")]
    [InlineData("REGISTRY:PULL")]
    [InlineData("registry")]
    [InlineData("")]
    [InlineData("*")]
    public async Task CreateToken_BadScope_Returns400NamingIt(string scope)
    {
        await AdminCreateProjectAsync("alpha");

        using var response = await SendAsync(HttpMethod.Post, "/api/v1/tokens", factory.AdminToken,
            new CreateTokenRequest("ci", [new TokenGrantInfo("alpha", ["registry:pull", scope])], null));

        var problem = await ProblemAsync(response, HttpStatusCode.BadRequest);
        Assert.StartsWith("grants[0].scopes:", problem.Detail, StringComparison.Ordinal);
    }

    [Fact]
    public async Task CreateToken_UnknownOrForeignProjectNoGrantsBadLifetime_Returns400()
    {
        await AdminCreateProjectAsync("alpha");
        await AdminCreateProjectAsync("beta");
        var alice = await UserWithTokenAsync("alice", "alpha", "beta");
        await AdminSetRoleAsync("alpha", "alice", "developer");

        var requests = new[]
        {
            new CreateTokenRequest("t", [new TokenGrantInfo("nope", ["registry:pull"])], null),
            new CreateTokenRequest("t", [new TokenGrantInfo("beta", ["registry:pull"])], null),
            new CreateTokenRequest("t", [new TokenGrantInfo(null, ["registry:pull"])], null),
            new CreateTokenRequest("t", [], null),
            new CreateTokenRequest("", [new TokenGrantInfo("alpha", ["registry:pull"])], null),
            new CreateTokenRequest("t", [new TokenGrantInfo("alpha", ["registry:pull"])], 0),
            new CreateTokenRequest("t", [new TokenGrantInfo("alpha", ["registry:pull"])], 100_000),
            new CreateTokenRequest("t", [new TokenGrantInfo("alpha", ["registry:pull"]), new TokenGrantInfo("alpha", ["registry:push"])], null),
        };
        foreach (var request in requests)
        {
            using var response = await SendAsync(HttpMethod.Post, "/api/v1/tokens", alice, request);
            await ProblemAsync(response, HttpStatusCode.BadRequest);
        }

        using var beyondRole = await SendAsync(HttpMethod.Post, "/api/v1/tokens", alice,
            new CreateTokenRequest("t", [new TokenGrantInfo("alpha", ["project:admin"])], null));
        await ProblemAsync(beyondRole, HttpStatusCode.Forbidden);
    }

    [Fact]
    public async Task CreateToken_SecretShownOnceNeverListedAndWorks()
    {
        await AdminCreateProjectAsync("alpha");
        var alice = await UserWithTokenAsync("alice", "alpha");
        await AdminSetRoleAsync("alpha", "alice", "developer");

        using var response = await SendAsync(HttpMethod.Post, "/api/v1/tokens", alice,
            new CreateTokenRequest("laptop", [new TokenGrantInfo("alpha", ["registry:pull"])], 7));
        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        var created = (await response.Content.ReadFromJsonAsync(WharfJsonContext.Default.CreatedTokenInfo))!;
        Assert.StartsWith(TokenSecrets.Prefix, created.Secret, StringComparison.Ordinal);

        using var listing = await SendAsync(HttpMethod.Get, "/api/v1/tokens", alice);
        var raw = await listing.Content.ReadAsStringAsync();
        Assert.DoesNotContain(created.Secret, raw, StringComparison.Ordinal);
        Assert.DoesNotContain(TokenSecrets.Prefix, raw, StringComparison.Ordinal);
        Assert.DoesNotContain("hash", raw, StringComparison.OrdinalIgnoreCase);
        var tokens = await GetAsync("/api/v1/tokens", alice, WharfJsonContext.Default.IReadOnlyListTokenInfo);
        var laptop = Assert.Single(tokens, t => t.Id == created.Id);
        Assert.Equal(("laptop", "user:alice", false), (laptop.Name, laptop.Owner, laptop.Revoked));
        Assert.Equal([new TokenGrantInfo("alpha", ["registry:pull"])], laptop.Grants.Select(g => g with { Scopes = [.. g.Scopes] }), new GrantComparer());
        var whoami = await GetAsync("/api/v1/auth/whoami", created.Secret, WharfJsonContext.Default.WhoAmI);
        Assert.Equal(["registry:pull"], Assert.Single(whoami.Projects).Scopes);
        Assert.DoesNotContain(await AuditAsync(), e => (e.Target ?? string.Empty).Contains(created.Secret, StringComparison.Ordinal));
    }

    [Fact]
    public async Task RevokeToken_OthersAnswer404_OwnStopsWorking_AdminMayRevokeAny()
    {
        await AdminCreateProjectAsync("alpha");
        var alice = await UserWithTokenAsync("alice", "alpha");
        var bob = await UserWithTokenAsync("bob", "alpha");
        var aliceTokenId = (await GetAsync("/api/v1/tokens", alice, WharfJsonContext.Default.IReadOnlyListTokenInfo)).Single().Id;
        var bobTokenId = (await GetAsync("/api/v1/tokens", bob, WharfJsonContext.Default.IReadOnlyListTokenInfo)).Single().Id;

        using var foreign = await SendAsync(HttpMethod.Delete, $"/api/v1/tokens/{aliceTokenId}", bob);
        using var missing = await SendAsync(HttpMethod.Delete, "/api/v1/tokens/999999", bob);
        await ProblemAsync(foreign, HttpStatusCode.NotFound);
        await ProblemAsync(missing, HttpStatusCode.NotFound);
        using (var stillWorks = await SendAsync(HttpMethod.Get, "/api/v1/auth/whoami", alice))
        {
            Assert.Equal(HttpStatusCode.OK, stillWorks.StatusCode);
        }

        using var own = await SendAsync(HttpMethod.Delete, $"/api/v1/tokens/{bobTokenId}", bob);
        using var byAdmin = await SendAsync(HttpMethod.Delete, $"/api/v1/tokens/{aliceTokenId}", factory.AdminToken);
        Assert.Equal(HttpStatusCode.NoContent, own.StatusCode);
        Assert.Equal(HttpStatusCode.NoContent, byAdmin.StatusCode);
        using var bobAfter = await SendAsync(HttpMethod.Get, "/api/v1/auth/whoami", bob);
        using var aliceAfter = await SendAsync(HttpMethod.Get, "/api/v1/auth/whoami", alice);
        Assert.Equal(HttpStatusCode.Unauthorized, bobAfter.StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, aliceAfter.StatusCode);
    }

    [Fact]
    public async Task ServiceAccount_TokenWorksInItsProjectOnly_DeleteEndsIt()
    {
        await AdminCreateProjectAsync("alpha");
        await AdminCreateProjectAsync("beta");

        var secret = await ServiceAccountTokenAsync("alpha", "ci", "developer", ["registry:pull", "registry:push"]);
        using var duplicate = await SendAsync(HttpMethod.Post, "/api/v1/projects/alpha/service-accounts", factory.AdminToken, new CreateServiceAccountRequest("ci", "viewer"));
        using var badRole = await SendAsync(HttpMethod.Post, "/api/v1/projects/alpha/service-accounts", factory.AdminToken, new CreateServiceAccountRequest("ci2", "root"));
        using var badName = await SendAsync(HttpMethod.Post, "/api/v1/projects/alpha/service-accounts", factory.AdminToken, new CreateServiceAccountRequest("CI", "viewer"));
        await ProblemAsync(duplicate, HttpStatusCode.Conflict);
        await ProblemAsync(badRole, HttpStatusCode.BadRequest);
        await ProblemAsync(badName, HttpStatusCode.BadRequest);

        var accounts = await GetAsync("/api/v1/projects/alpha/service-accounts", factory.AdminToken, WharfJsonContext.Default.IReadOnlyListServiceAccountInfo);
        Assert.Equal([("ci", "developer")], accounts.Select(a => (a.Name, a.Role)));
        var whoami = await GetAsync("/api/v1/auth/whoami", secret, WharfJsonContext.Default.WhoAmI);
        Assert.Equal(("service-account", "alpha/ci"), (whoami.Kind, whoami.Name));
        Assert.Equal(["registry:pull", "registry:push"], Assert.Single(whoami.Projects, p => p.Project == "alpha").Scopes);
        using (var other = await SendAsync(HttpMethod.Get, "/api/v1/projects/beta", secret))
        {
            await ProblemAsync(other, HttpStatusCode.Forbidden);
        }

        using var deleted = await SendAsync(HttpMethod.Delete, "/api/v1/projects/alpha/service-accounts/ci", factory.AdminToken);
        using var after = await SendAsync(HttpMethod.Get, "/api/v1/auth/whoami", secret);
        Assert.Equal(HttpStatusCode.NoContent, deleted.StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, after.StatusCode);
    }

    [Fact]
    public async Task ServiceAccounts_NeedProjectAdmin()
    {
        await AdminCreateProjectAsync("alpha");
        var maintainer = await UserWithTokenAsync("mia", "alpha");
        await AdminSetRoleAsync("alpha", "mia", "maintainer");

        using var list = await SendAsync(HttpMethod.Get, "/api/v1/projects/alpha/service-accounts", maintainer);
        using var create = await SendAsync(HttpMethod.Post, "/api/v1/projects/alpha/service-accounts", maintainer, new CreateServiceAccountRequest("ci", "owner"));

        await ProblemAsync(list, HttpStatusCode.Forbidden);
        await ProblemAsync(create, HttpStatusCode.Forbidden);
    }

    [Fact]
    public async Task DeleteProject_WithRepositories_Returns409_ThenDeletesWithMembers()
    {
        await AdminCreateProjectAsync("alpha");
        await CreateUserAsync("bob");
        await AdminSetRoleAsync("alpha", "bob", "viewer");
        await using (var scope = factory.Services.CreateAsyncScope())
        {
            var db = scope.ServiceProvider.GetRequiredService<WharfDbContext>();
            db.RegistryRepositories.Add(new RegistryRepository { Name = "alpha/app", Project = "alpha", CreatedAt = DateTimeOffset.UtcNow });
            await db.SaveChangesAsync();
        }

        using var refused = await SendAsync(HttpMethod.Delete, "/api/v1/projects/alpha", factory.AdminToken);
        await ProblemAsync(refused, HttpStatusCode.Conflict);

        await using (var scope = factory.Services.CreateAsyncScope())
        {
            await scope.ServiceProvider.GetRequiredService<WharfDbContext>().RegistryRepositories.Where(r => r.Project == "alpha").ExecuteDeleteAsync();
        }

        using var deleted = await SendAsync(HttpMethod.Delete, "/api/v1/projects/alpha", factory.AdminToken);
        using var gone = await SendAsync(HttpMethod.Get, "/api/v1/projects/alpha", factory.AdminToken);
        Assert.Equal(HttpStatusCode.NoContent, deleted.StatusCode);
        await ProblemAsync(gone, HttpStatusCode.NotFound);
        await using (var scope = factory.Services.CreateAsyncScope())
        {
            Assert.Equal(0, await scope.ServiceProvider.GetRequiredService<WharfDbContext>().ProjectMembers.CountAsync());
        }
    }

    [Fact]
    public async Task Users_AdminOnly_ValidatedAndDisablingEndsTokens()
    {
        await AdminCreateProjectAsync("alpha");
        var alice = await UserWithTokenAsync("alice", "alpha");

        using var byUser = await SendAsync(HttpMethod.Get, "/api/v1/users", alice);
        using var byAnonymous = await anonymous.GetAsync("/api/v1/users");
        using var duplicate = await SendAsync(HttpMethod.Post, "/api/v1/users", factory.AdminToken, new CreateUserRequest("alice", "long-enough-password", null));
        using var badName = await SendAsync(HttpMethod.Post, "/api/v1/users", factory.AdminToken, new CreateUserRequest("Alice!", "long-enough-password", null));
        using var shortPassword = await SendAsync(HttpMethod.Post, "/api/v1/users", factory.AdminToken, new CreateUserRequest("carol", "short", null));
        using var unknown = await SendAsync(HttpMethod.Patch, "/api/v1/users/nobody", factory.AdminToken, new UpdateUserRequest(true, null));
        using var nothing = await SendAsync(HttpMethod.Patch, "/api/v1/users/alice", factory.AdminToken, new UpdateUserRequest(null, null));
        using var self = await SendAsync(HttpMethod.Patch, "/api/v1/users/admin", factory.AdminToken, new UpdateUserRequest(true, null));
        await ProblemAsync(byUser, HttpStatusCode.Forbidden);
        await ProblemAsync(byAnonymous, HttpStatusCode.Unauthorized);
        await ProblemAsync(duplicate, HttpStatusCode.Conflict);
        Assert.StartsWith("username:", (await ProblemAsync(badName, HttpStatusCode.BadRequest)).Detail, StringComparison.Ordinal);
        Assert.StartsWith("password:", (await ProblemAsync(shortPassword, HttpStatusCode.BadRequest)).Detail, StringComparison.Ordinal);
        await ProblemAsync(unknown, HttpStatusCode.NotFound);
        await ProblemAsync(nothing, HttpStatusCode.BadRequest);
        await ProblemAsync(self, HttpStatusCode.Conflict);

        using var disable = await SendAsync(HttpMethod.Patch, "/api/v1/users/alice", factory.AdminToken, new UpdateUserRequest(true, null));
        Assert.Equal(HttpStatusCode.OK, disable.StatusCode);
        Assert.True((await disable.Content.ReadFromJsonAsync(WharfJsonContext.Default.UserInfo))!.Disabled);
        using var after = await SendAsync(HttpMethod.Get, "/api/v1/auth/whoami", alice);
        Assert.Equal(HttpStatusCode.Unauthorized, after.StatusCode);
        var users = await GetAsync("/api/v1/users", factory.AdminToken, WharfJsonContext.Default.IReadOnlyListUserInfo);
        Assert.Equal(["admin", "alice"], users.Select(u => u.Username));
    }

    [Fact]
    public async Task Audit_RecordsAdminActionsNewestFirstPagedAndWithoutSecrets()
    {
        await AdminCreateProjectAsync("alpha");
        await CreateUserAsync("bob", "bob-password-1");
        await AdminSetRoleAsync("alpha", "bob", "viewer");
        var secret = await ServiceAccountTokenAsync("alpha", "ci", "viewer", ["registry:pull"]);

        var first = await GetAsync("/api/v1/audit?n=2", factory.AdminToken, WharfJsonContext.Default.AuditPage);
        Assert.Equal(2, first.Items.Count);
        Assert.True(first.Items[0].Id > first.Items[1].Id);
        Assert.NotNull(first.Next);
        var second = await GetAsync($"/api/v1/audit?n=2&before={first.Next}", factory.AdminToken, WharfJsonContext.Default.AuditPage);
        Assert.True(second.Items[0].Id < first.Items[1].Id);

        var all = await AuditAsync();
        var actions = all.Where(e => e.Actor == "user:admin").Select(e => e.Action).ToList();
        Assert.Contains("project.create", actions);
        Assert.Contains("user.create", actions);
        Assert.Contains("project.member.set", actions);
        Assert.Contains("service-account.create", actions);
        Assert.Contains("service-account.token.create", actions);
        Assert.DoesNotContain(all, e => $"{e.Actor} {e.Target} {e.Outcome}".Contains(secret, StringComparison.Ordinal)
            || $"{e.Target} {e.Outcome}".Contains("bob-password-1", StringComparison.Ordinal));

        var bob = await TokenForAsync("bob", "alpha");
        using var byUser = await SendAsync(HttpMethod.Get, "/api/v1/audit", bob);
        using var badN = await SendAsync(HttpMethod.Get, "/api/v1/audit?n=0", factory.AdminToken);
        using var badBefore = await SendAsync(HttpMethod.Get, "/api/v1/audit?before=-5", factory.AdminToken);
        await ProblemAsync(byUser, HttpStatusCode.Forbidden);
        await ProblemAsync(badN, HttpStatusCode.BadRequest);
        await ProblemAsync(badBefore, HttpStatusCode.BadRequest);
    }

    [Fact]
    public async Task MalformedBody_Returns400ProblemDetails()
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, "/api/v1/projects") { Content = new StringContent("{\"name\":", System.Text.Encoding.UTF8, "application/json") };
        using var response = await admin.SendAsync(request);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
    }

    private async Task AdminCreateProjectAsync(string name)
    {
        using var response = await SendAsync(HttpMethod.Post, "/api/v1/projects", factory.AdminToken, new CreateProjectRequest(name));
        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
    }

    private async Task AdminSetRoleAsync(string project, string username, string role)
    {
        using var response = await SendAsync(HttpMethod.Put, $"/api/v1/projects/{project}/members/{username}", factory.AdminToken, new SetMemberRoleRequest(role));
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
    }

    private async Task CreateUserAsync(string username, string? password = null)
    {
        using var response = await SendAsync(HttpMethod.Post, "/api/v1/users", factory.AdminToken, new CreateUserRequest(username, password, null));
        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
    }

    /// <summary>Creates the user through the API and a token for it granting everything in <paramref name="projects"/>.</summary>
    private async Task<string> UserWithTokenAsync(string username, params string[] projects)
    {
        await CreateUserAsync(username);
        return await TokenForAsync(username, projects);
    }

    /// <summary>
    /// A token minted directly (a user's first token comes from the UI or an administrator); with no project named it
    /// is granted a project nobody is a member of, so it reaches nothing until the user creates a project.
    /// </summary>
    private async Task<string> TokenForAsync(string username, params string[] projects)
    {
        await using var scope = factory.Services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<WharfDbContext>();
        if (projects.Length == 0)
        {
            if (!await db.Projects.AnyAsync(p => p.Name == "sandbox"))
            {
                await scope.ServiceProvider.GetRequiredService<AuthDirectory>().CreateProjectAsync("sandbox");
            }

            projects = ["sandbox"];
        }

        var userId = await db.Users.Where(u => u.Username == username).Select(u => u.Id).SingleAsync();
        var ids = await db.Projects.Where(p => projects.Contains(p.Name)).Select(p => p.Id).ToListAsync();
        var created = await scope.ServiceProvider.GetRequiredService<TokenService>().CreateAsync(
            PrincipalKind.User, userId, "test", [.. ids.Select(id => new TokenGrantRequest(id, Scopes.All))]);
        return created.Secret;
    }

    private async Task<string> ServiceAccountTokenAsync(string project, string name, string role, IReadOnlyList<string> scopes)
    {
        using (var account = await SendAsync(HttpMethod.Post, $"/api/v1/projects/{project}/service-accounts", factory.AdminToken, new CreateServiceAccountRequest(name, role)))
        {
            Assert.Equal(HttpStatusCode.Created, account.StatusCode);
        }

        using var token = await SendAsync(HttpMethod.Post, $"/api/v1/projects/{project}/service-accounts/{name}/tokens", factory.AdminToken,
            new CreateServiceAccountTokenRequest("ci-token", scopes, 30));
        Assert.Equal(HttpStatusCode.Created, token.StatusCode);
        return (await token.Content.ReadFromJsonAsync(WharfJsonContext.Default.CreatedTokenInfo))!.Secret;
    }

    private async Task<List<AuditEntryInfo>> AuditAsync()
    {
        var page = await GetAsync("/api/v1/audit?n=1000", factory.AdminToken, WharfJsonContext.Default.AuditPage);
        return [.. page.Items];
    }

    private async Task<HttpResponseMessage> SendAsync<T>(HttpMethod method, string path, string token, T body)
    {
        using var request = new HttpRequestMessage(method, path)
        {
            Content = JsonContent.Create(body, (System.Text.Json.Serialization.Metadata.JsonTypeInfo<T>)WharfJsonContext.Default.GetTypeInfo(typeof(T))!),
        };
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
        return await anonymous.SendAsync(request);
    }

    private async Task<HttpResponseMessage> SendAsync(HttpMethod method, string path, string token)
    {
        using var request = new HttpRequestMessage(method, path);
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
        return await anonymous.SendAsync(request);
    }

    private async Task<T> GetAsync<T>(string path, string token, System.Text.Json.Serialization.Metadata.JsonTypeInfo<T> typeInfo)
    {
        using var response = await SendAsync(HttpMethod.Get, path, token);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        return (await response.Content.ReadFromJsonAsync(typeInfo))!;
    }

    private static async Task<ProblemDetailsPayload> ProblemAsync(HttpResponseMessage response, HttpStatusCode expected)
    {
        var body = await response.Content.ReadAsStringAsync();
        Assert.True(expected == response.StatusCode, $"expected {expected}, got {response.StatusCode}: {body}");
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        return System.Text.Json.JsonSerializer.Deserialize(body, WharfJsonContext.Default.ProblemDetailsPayload)!;
    }

    private sealed class GrantComparer : IEqualityComparer<TokenGrantInfo>
    {
        public bool Equals(TokenGrantInfo? x, TokenGrantInfo? y) =>
            x?.Project == y?.Project && (x?.Scopes ?? []).SequenceEqual(y?.Scopes ?? []);

        public int GetHashCode(TokenGrantInfo obj) => obj.Project?.GetHashCode(StringComparison.Ordinal) ?? 0;
    }
}
