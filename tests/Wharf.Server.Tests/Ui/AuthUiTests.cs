using System.Net;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Wharf.Server.Auth;
using Wharf.Server.Data;
using Wharf.Server.Tests.Infrastructure;

namespace Wharf.Server.Tests.Ui;

/// <summary>Sign-in, sign-out and the settings pages' permissions over HTTP, against the real server in process.</summary>
public sealed class AuthUiTests
{
    private const string Password = "correct horse battery";

    private static async Task<(long ProjectId, long UserId)> SeedAsync(WharfFactory factory, string username, string project, ProjectRole? role)
    {
        await using var scope = factory.Services.CreateAsyncScope();
        var directory = scope.ServiceProvider.GetRequiredService<AuthDirectory>();
        var db = scope.ServiceProvider.GetRequiredService<WharfDbContext>();
        var user = await directory.CreateUserAsync(username, Password);
        var stored = await db.Projects.SingleOrDefaultAsync(p => p.Name == project) ?? await directory.CreateProjectAsync(project);
        if (role is { } r)
        {
            await directory.SetUserRoleAsync(stored.Id, user.Id, r);
        }

        return (stored.Id, user.Id);
    }

    [Fact]
    public async Task Login_WithPassword_SetsSessionAndRedirectsToLocalReturnUrl()
    {
        using var factory = new WharfFactory();
        await SeedAsync(factory, "alice", "ml", ProjectRole.Viewer);
        using var client = UiForms.BrowserLikeClient(factory);

        using var response = await UiForms.SubmitAsync(client, "/login?returnUrl=%2Fregistry%3Fq%3Dx", "login",
            [new("Input.Username", "alice"), new("Input.Password", Password)]);

        Assert.Equal(HttpStatusCode.Redirect, response.StatusCode);
        Assert.Equal(new Uri(client.BaseAddress!, "/registry?q=x"), new Uri(client.BaseAddress!, response.Headers.Location!));
        var cookie = Assert.Single(response.Headers.GetValues("Set-Cookie"), c => c.StartsWith("wharf_session=", StringComparison.Ordinal));
        Assert.Contains("httponly", cookie, StringComparison.OrdinalIgnoreCase);
        Assert.Contains("samesite=lax", cookie, StringComparison.OrdinalIgnoreCase);
        using var page = await client.GetAsync(new Uri("/registry", UriKind.Relative));
        Assert.Equal(HttpStatusCode.OK, page.StatusCode);
        Assert.Contains("data-testid=\"signed-in-user\"", await page.Content.ReadAsStringAsync(), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("https://evil.example/")]
    [InlineData("//evil.example/")]
    [InlineData("/\\evil.example/")]
    [InlineData("javascript:alert(1)")]
    public async Task Login_WithForeignReturnUrl_RedirectsToRoot(string returnUrl)
    {
        using var factory = new WharfFactory();
        await SeedAsync(factory, "alice", "ml", null);
        using var client = UiForms.BrowserLikeClient(factory);

        using var response = await UiForms.SubmitAsync(client, "/login?returnUrl=" + Uri.EscapeDataString(returnUrl), "login",
            [new("Input.Username", "alice"), new("Input.Password", Password)]);

        Assert.Equal(HttpStatusCode.Redirect, response.StatusCode);
        Assert.Equal(new Uri(client.BaseAddress!, "/"), new Uri(client.BaseAddress!, response.Headers.Location!));
    }

    [Fact]
    public async Task Login_WrongPassword_Returns401WithGenericErrorAndAuditsWithoutThePassword()
    {
        using var factory = new WharfFactory();
        await SeedAsync(factory, "alice", "ml", null);
        using var client = UiForms.BrowserLikeClient(factory);

        using var response = await UiForms.SubmitAsync(client, "/login", "login",
            [new("Input.Username", "alice"), new("Input.Password", "wrong-secret-123")]);
        var html = await response.Content.ReadAsStringAsync();

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        Assert.Contains("Invalid username or password.", html, StringComparison.Ordinal);
        Assert.DoesNotContain("wrong-secret-123", html, StringComparison.Ordinal);
        Assert.False(response.Headers.Contains("Set-Cookie") && response.Headers.GetValues("Set-Cookie").Any(c => c.StartsWith("wharf_session=", StringComparison.Ordinal)));
        await using var scope = factory.Services.CreateAsyncScope();
        var entries = await scope.ServiceProvider.GetRequiredService<WharfDbContext>().AuditLog.Where(e => e.Action == "ui.login").ToListAsync();
        var entry = Assert.Single(entries);
        Assert.Equal("user:alice", entry.Actor);
        Assert.StartsWith("refused", entry.Outcome, StringComparison.Ordinal);
        Assert.DoesNotContain(entries, e => $"{e.Actor}{e.Target}{e.Outcome}".Contains("wrong-secret", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Login_AfterTooManyFailures_Returns429EvenWithTheRightPassword()
    {
        using var factory = new WharfFactory();
        factory.Settings["Wharf:Auth:Login:MaxFailures"] = "3";
        await SeedAsync(factory, "alice", "ml", null);
        using var client = UiForms.BrowserLikeClient(factory);

        for (var i = 0; i < 3; i++)
        {
            using var failed = await UiForms.SubmitAsync(client, "/login", "login", [new("Input.Username", "alice"), new("Input.Password", "guess" + i)]);
            Assert.Equal(HttpStatusCode.Unauthorized, failed.StatusCode);
        }

        using var limited = await UiForms.SubmitAsync(client, "/login", "login", [new("Input.Username", "alice"), new("Input.Password", Password)]);

        Assert.Equal((HttpStatusCode)429, limited.StatusCode);
        Assert.True(limited.Headers.RetryAfter is not null);
        Assert.Contains("retry later", await limited.Content.ReadAsStringAsync(), StringComparison.OrdinalIgnoreCase);
    }

    [Fact]
    public async Task Login_WithoutAntiforgeryToken_Returns400AndStartsNoSession()
    {
        using var factory = new WharfFactory();
        await SeedAsync(factory, "alice", "ml", null);
        using var client = UiForms.BrowserLikeClient(factory);

        using var response = await UiForms.SubmitAsync(client, "/login", "login",
            [new("Input.Username", "alice"), new("Input.Password", Password)], withAntiforgery: false);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.False(response.Headers.TryGetValues("Set-Cookie", out var cookies) && cookies.Any(c => c.StartsWith("wharf_session=", StringComparison.Ordinal)));
    }

    [Fact]
    public async Task CreateProject_WithoutAntiforgeryToken_Returns400AndCreatesNothing()
    {
        using var factory = new WharfFactory();
        await SeedAsync(factory, "alice", "ml", null);
        using var client = UiForms.BrowserLikeClient(factory);
        await UiForms.SignInAsync(client, "alice", Password);

        using var response = await UiForms.SubmitAsync(client, "/settings", "create-project", [new("Input.Name", "forged")], withAntiforgery: false);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        await using var scope = factory.Services.CreateAsyncScope();
        Assert.False(await scope.ServiceProvider.GetRequiredService<WharfDbContext>().Projects.AnyAsync(p => p.Name == "forged"));
    }

    [Fact]
    public async Task CreateProject_AsSignedInUser_MakesThemOwner()
    {
        using var factory = new WharfFactory();
        await SeedAsync(factory, "alice", "ml", null);
        using var client = UiForms.BrowserLikeClient(factory);
        await UiForms.SignInAsync(client, "alice", Password);

        using var response = await UiForms.SubmitAsync(client, "/settings", "create-project", [new("Input.Name", "vision")]);

        Assert.Equal(HttpStatusCode.Redirect, response.StatusCode);
        Assert.Equal(new Uri(client.BaseAddress!, "/settings/projects/vision"), new Uri(client.BaseAddress!, response.Headers.Location!));
        var html = await client.GetStringAsync(new Uri("/settings/projects/vision", UriKind.Relative));
        Assert.Contains("project:admin", html, StringComparison.Ordinal);
        Assert.Contains("<td>Owner</td>", html, StringComparison.Ordinal);
    }

    [Fact]
    public async Task AddMember_AsDeveloper_Returns403AndChangesNothing()
    {
        using var factory = new WharfFactory();
        var (projectId, _) = await SeedAsync(factory, "alice", "ml", ProjectRole.Developer);
        var (_, bobId) = await SeedAsync(factory, "bob", "other", null);
        using var client = UiForms.BrowserLikeClient(factory);
        await UiForms.SignInAsync(client, "alice", Password);

        using var response = await UiForms.SubmitAsync(client, "/settings/projects/ml", "member",
            [new("Member.Username", "bob"), new("Member.Role", "Owner")]);

        Assert.Equal(HttpStatusCode.Forbidden, response.StatusCode);
        Assert.Contains("You do not have access to change members", await response.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        await using var scope = factory.Services.CreateAsyncScope();
        Assert.False(await scope.ServiceProvider.GetRequiredService<WharfDbContext>().ProjectMembers.AnyAsync(m => m.ProjectId == projectId && m.UserId == bobId));
    }

    [Fact]
    public async Task ProjectPage_ForNonMember_Returns404()
    {
        using var factory = new WharfFactory();
        await SeedAsync(factory, "alice", "ml", null);
        using var client = UiForms.BrowserLikeClient(factory);
        await UiForms.SignInAsync(client, "alice", Password);

        using var response = await client.GetAsync(new Uri("/settings/projects/ml", UriKind.Relative));

        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
    }

    [Fact]
    public async Task CreateToken_WithScopesBeyondRole_IsRefused()
    {
        using var factory = new WharfFactory();
        var (_, aliceId) = await SeedAsync(factory, "alice", "ml", ProjectRole.Viewer);
        using var client = UiForms.BrowserLikeClient(factory);
        await UiForms.SignInAsync(client, "alice", Password);
        var projectId = (await SeedProjectIdAsync(factory, "ml")).ToString(System.Globalization.CultureInfo.InvariantCulture);

        using var response = await UiForms.SubmitAsync(client, "/settings/tokens", "create-token",
            [new("Input.Name", "ci"), new("Input.OwnerId", projectId), new("Input.Days", "30"), new("scope", "registry:push")]);

        Assert.Equal(HttpStatusCode.Forbidden, response.StatusCode);
        Assert.Contains("You do not hold registry:push", await response.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        await using var scope = factory.Services.CreateAsyncScope();
        Assert.False(await scope.ServiceProvider.GetRequiredService<WharfDbContext>().AccessTokens.AnyAsync(t => t.UserId == aliceId));
    }

    [Fact]
    public async Task AuditPage_ForNonAdmin_RendersAccessDeniedWith403()
    {
        using var factory = new WharfFactory();
        await SeedAsync(factory, "alice", "ml", ProjectRole.Owner);
        using var client = UiForms.BrowserLikeClient(factory);
        await UiForms.SignInAsync(client, "alice", Password);

        using var response = await client.GetAsync(new Uri("/settings/audit", UriKind.Relative));
        var html = await response.Content.ReadAsStringAsync();

        Assert.Equal(HttpStatusCode.Forbidden, response.StatusCode);
        Assert.Contains("<h1>Access denied</h1>", html, StringComparison.Ordinal);
        Assert.Contains("You do not have access", html, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Logout_GetDoesNotSignOut_PostWithoutTokenIs400_PostWithTokenSignsOut()
    {
        using var factory = new WharfFactory();
        await SeedAsync(factory, "alice", "ml", null);
        using var client = UiForms.BrowserLikeClient(factory);
        await UiForms.SignInAsync(client, "alice", Password);

        using var get = await client.GetAsync(new Uri("/logout", UriKind.Relative));
        using var stillIn = await client.GetAsync(new Uri("/settings", UriKind.Relative));
        using var forged = await client.PostAsync(new Uri("/logout", UriKind.Relative), new FormUrlEncodedContent([]));
        using var stillInAfterForgery = await client.GetAsync(new Uri("/settings", UriKind.Relative));
        var html = await stillInAfterForgery.Content.ReadAsStringAsync();
        var token = System.Text.RegularExpressions.Regex.Match(html, "name=\"__RequestVerificationToken\" value=\"([^\"]+)\"").Groups[1].Value;
        using var logout = await client.PostAsync(new Uri("/logout", UriKind.Relative), new FormUrlEncodedContent([new("__RequestVerificationToken", WebUtility.HtmlDecode(token))]));
        using var after = await client.GetAsync(new Uri("/settings", UriKind.Relative));

        Assert.NotEqual(HttpStatusCode.Redirect, get.StatusCode);
        Assert.Equal(HttpStatusCode.OK, stillIn.StatusCode);
        Assert.Equal(HttpStatusCode.BadRequest, forged.StatusCode);
        Assert.Equal(HttpStatusCode.OK, stillInAfterForgery.StatusCode);
        Assert.Equal(HttpStatusCode.Redirect, logout.StatusCode);
        Assert.Equal(new Uri(client.BaseAddress!, "/login"), new Uri(client.BaseAddress!, logout.Headers.Location!));
        Assert.Equal(HttpStatusCode.Redirect, after.StatusCode);
        Assert.StartsWith("/login?returnUrl=", after.Headers.Location?.OriginalString, StringComparison.Ordinal);
    }

    [Fact]
    public async Task AuditPage_ForAdmin_ListsNewestFirstInPages()
    {
        using var factory = new WharfFactory();
        var audit = factory.Services.GetRequiredService<AuditLog>();
        for (var i = 0; i < 60; i++)
        {
            await audit.RecordAsync(null, "user:test", "test.entry", $"entry-{i:D2}", "ok");
        }

        using var client = factory.CreateClient();

        var first = await client.GetStringAsync(new Uri("/settings/audit", UriKind.Relative));
        var next = System.Text.RegularExpressions.Regex.Match(first, "href=\"(/settings/audit\\?before=\\d+)\" rel=\"next\"").Groups[1].Value;
        var second = await client.GetStringAsync(new Uri(WebUtility.HtmlDecode(next), UriKind.Relative));

        Assert.True(first.IndexOf("entry-59", StringComparison.Ordinal) < first.IndexOf("entry-58", StringComparison.Ordinal));
        Assert.DoesNotContain("entry-05", first, StringComparison.Ordinal);
        Assert.NotEmpty(next);
        Assert.Contains("entry-05", second, StringComparison.Ordinal);
        Assert.DoesNotContain("entry-59", second, StringComparison.Ordinal);
    }

    [Fact]
    public async Task ServiceAccount_CreateTokenRevokeAndDelete_AsProjectAdmin()
    {
        using var factory = new WharfFactory();
        await SeedAsync(factory, "alice", "ml", ProjectRole.Owner);
        using var client = UiForms.BrowserLikeClient(factory);
        await UiForms.SignInAsync(client, "alice", Password);
        const string Page = "/settings/projects/ml";

        using var created = await UiForms.SubmitAsync(client, Page, "service-account", [new("Account.Name", "ci"), new("Account.Role", "Developer")]);
        Assert.Equal(HttpStatusCode.OK, created.StatusCode);
        long accountId;
        await using (var scope = factory.Services.CreateAsyncScope())
        {
            accountId = await scope.ServiceProvider.GetRequiredService<WharfDbContext>().ServiceAccounts.Where(a => a.Name == "ci").Select(a => a.Id).SingleAsync();
        }

        using var tokenResponse = await UiForms.SubmitAsync(client, Page, "service-account-token",
        [
            new("AccountToken.OwnerId", accountId.ToString(System.Globalization.CultureInfo.InvariantCulture)), new("AccountToken.Name", "github"),
            new("AccountToken.Days", "30"), new("scope", "registry:pull"), new("scope", "registry:push"),
        ]);
        var html = await tokenResponse.Content.ReadAsStringAsync();
        var secret = System.Text.RegularExpressions.Regex.Match(html, "data-testid=\"new-token-secret\">(wharf_pat_[^<]+)<").Groups[1].Value;
        await using (var scope = factory.Services.CreateAsyncScope())
        {
            var principal = await scope.ServiceProvider.GetRequiredService<TokenService>().ValidateAsync(secret);
            Assert.NotNull(principal);
            Assert.Equal("ml/ci", principal.Name);
            Assert.Equal(Scope.RegistryPull | Scope.RegistryPush, principal.ScopesIn("ml"));
        }

        var listed = await client.GetStringAsync(new Uri(Page, UriKind.Relative));
        Assert.DoesNotContain(secret, listed, StringComparison.Ordinal);
        Assert.Contains("registry:pull registry:push", listed, StringComparison.Ordinal);
        var tokenId = System.Text.RegularExpressions.Regex.Match(listed, "name=\"RevokeToken.Id\" value=\"(\\d+)\"").Groups[1].Value;
        using var revoked = await UiForms.SubmitAsync(client, Page, "revoke-service-account-token", [new("RevokeToken.Id", tokenId)]);
        Assert.Equal(HttpStatusCode.OK, revoked.StatusCode);
        await using (var scope = factory.Services.CreateAsyncScope())
        {
            Assert.Null(await scope.ServiceProvider.GetRequiredService<TokenService>().ValidateAsync(secret));
        }

        using var deleted = await UiForms.SubmitAsync(client, Page, "delete-service-account",
            [new("DeleteAccount.Id", accountId.ToString(System.Globalization.CultureInfo.InvariantCulture))]);
        Assert.Equal(HttpStatusCode.OK, deleted.StatusCode);
        await using (var scope = factory.Services.CreateAsyncScope())
        {
            var db = scope.ServiceProvider.GetRequiredService<WharfDbContext>();
            Assert.False(await db.ServiceAccounts.AnyAsync(a => a.Id == accountId));
            Assert.False(await db.AccessTokens.AnyAsync(t => t.ServiceAccountId == accountId));
        }
    }

    [Fact]
    public async Task UnknownPage_WhenSignedIn_KeepsTheUserMenu_AndLoginPageShowsNone()
    {
        using var factory = new WharfFactory();
        await SeedAsync(factory, "alice", "ml", null);
        using var client = UiForms.BrowserLikeClient(factory);
        await UiForms.SignInAsync(client, "alice", Password);

        using var missing = await client.GetAsync(new Uri("/no-such-page", UriKind.Relative));
        var login = await client.GetStringAsync(new Uri("/login", UriKind.Relative));

        Assert.Equal(HttpStatusCode.NotFound, missing.StatusCode);
        var missingHtml = await missing.Content.ReadAsStringAsync();
        Assert.Contains("data-testid=\"signed-in-user\" title=\"Signed in as user:alice\">alice<", missingHtml, StringComparison.Ordinal);
        Assert.DoesNotContain("signed-in-user", login, StringComparison.Ordinal);
    }

    private static async Task<long> SeedProjectIdAsync(WharfFactory factory, string name)
    {
        await using var scope = factory.Services.CreateAsyncScope();
        return await scope.ServiceProvider.GetRequiredService<WharfDbContext>().Projects.Where(p => p.Name == name).Select(p => p.Id).SingleAsync();
    }
}
