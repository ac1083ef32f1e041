using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Runtime.Versioning;
using System.Text;
using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Wharf.Client;
using Wharf.Client.Auth;
using Wharf.Server.Auth;
using Wharf.Server.Data;
using Wharf.Server.Tests.Infrastructure;

namespace Wharf.Server.Tests.Auth;

/// <summary>The token endpoint, whoami and the bootstrap on the real server in-process.</summary>
public sealed class AuthEndpointsTests : IDisposable
{
    private readonly WharfFactory factory = new();

    public void Dispose() => factory.Dispose();

    [Fact]
    [UnsupportedOSPlatform("windows")]
    public async Task Bootstrap_FirstStart_WritesOwnerOnlyAdminTokenThatValidates()
    {
        using var client = factory.CreateClient();
        var path = Path.Combine(factory.DataDirectory, AuthBootstrapService.AdminTokenFileName);

        Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(path));
        var secret = (await File.ReadAllTextAsync(path)).Trim();
        var whoami = await WhoAmIAsync(client, new AuthenticationHeaderValue("Bearer", secret));
        Assert.Equal(("user", "admin", true), (whoami.Kind, whoami.Name, whoami.IsAdmin));
        Assert.Equal(Scopes.Names(Scopes.All), whoami.EveryProject);
        await using var scope = factory.Services.CreateAsyncScope();
        var entry = await scope.ServiceProvider.GetRequiredService<WharfDbContext>().AuditLog.SingleAsync(a => a.Action == "bootstrap.admin");
        Assert.DoesNotContain(secret, entry.Target, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Bootstrap_SecondRun_ChangesNothing()
    {
        using var client = factory.CreateClient();
        var path = Path.Combine(factory.DataDirectory, AuthBootstrapService.AdminTokenFileName);
        var before = await File.ReadAllTextAsync(path);

        var written = await factory.Services.GetServices<IHostedService>().OfType<AuthBootstrapService>().Single().BootstrapAsync();

        Assert.Null(written);
        Assert.Equal(before, await File.ReadAllTextAsync(path));
        await using var scope = factory.Services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<WharfDbContext>();
        Assert.Equal(1, await db.Users.CountAsync());
        Assert.Equal(1, await db.AccessTokens.CountAsync());
    }

    [Fact]
    public async Task GetToken_TokenAsPassword_GrantsRequestedIntersectAllowed()
    {
        using var client = factory.CreateClient();
        var secret = await SeedAliceAsync(ProjectRole.Developer);

        using var request = new HttpRequestMessage(HttpMethod.Get,
            "/auth/token?service=wharf&scope=repository:ml/app:pull,push,delete&scope=repository:other/app:pull" +
            "&scope=repository:ml/app:*&scope=repository:ml/x:y:pull&scope=registry:catalog:*&scope=garbage");
        request.Headers.Authorization = Basic("alice", secret);
        using var response = await client.SendAsync(request);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var body = await response.Content.ReadFromJsonAsync(WharfJsonContext.Default.RegistryTokenResponse);
        Assert.NotNull(body);
        Assert.Equal(body.Token, body.AccessToken);
        Assert.Equal(300, body.ExpiresIn);
        Assert.Null(body.RefreshToken);
        var claims = Validate(body.Token);
        var access = claims.GetProperty("access");
        Assert.Equal(1, access.GetArrayLength());
        Assert.Equal("ml/app", access[0].GetProperty("name").GetString());
        Assert.Equal(["pull", "push"], access[0].GetProperty("actions").EnumerateArray().Select(a => a.GetString()));
        Assert.Equal("user:alice", claims.GetProperty("sub").GetString());
    }

    [Fact]
    public async Task GetToken_UsernameAndPassword_Works()
    {
        using var client = factory.CreateClient();
        await SeedAliceAsync(ProjectRole.Viewer);

        using var request = new HttpRequestMessage(HttpMethod.Get, "/auth/token?service=wharf&scope=repository:ml/app:pull,push");
        request.Headers.Authorization = Basic("alice", "alice-password");
        using var response = await client.SendAsync(request);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var body = await response.Content.ReadFromJsonAsync(WharfJsonContext.Default.RegistryTokenResponse);
        Assert.Equal(["pull"], Validate(body!.Token).GetProperty("access")[0].GetProperty("actions").EnumerateArray().Select(a => a.GetString()));
    }

    [Theory]
    [InlineData("alice", "wrong-password")]
    [InlineData("alice", "wharf_pat_AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA")]
    [InlineData("nobody", "alice-password")]
    public async Task GetToken_BadCredentials_Returns401EnvelopeAndAudits(string username, string password)
    {
        using var client = factory.CreateClient();
        await SeedAliceAsync(ProjectRole.Viewer);

        using var request = new HttpRequestMessage(HttpMethod.Get, "/auth/token?service=wharf&scope=repository:ml/app:pull");
        request.Headers.Authorization = Basic(username, password);
        using var response = await client.SendAsync(request);

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        Assert.Equal("Basic", response.Headers.WwwAuthenticate.Single().Scheme);
        using var json = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        Assert.Equal("UNAUTHORIZED", json.RootElement.GetProperty("errors")[0].GetProperty("code").GetString());
        await using var scope = factory.Services.CreateAsyncScope();
        var audit = await scope.ServiceProvider.GetRequiredService<WharfDbContext>().AuditLog.ToListAsync();
        var entry = Assert.Single(audit, a => a.Outcome.StartsWith("refused", StringComparison.Ordinal));
        Assert.DoesNotContain(TokenSecrets.Prefix, entry.Actor, StringComparison.Ordinal);
    }

    [Fact]
    public async Task GetToken_NoCredentialsOrWrongService_Refused()
    {
        using var client = factory.CreateClient();
        var secret = await SeedAliceAsync(ProjectRole.Viewer);

        using var anonymous = await client.GetAsync("/auth/token?service=wharf&scope=repository:ml/app:pull");
        using var request = new HttpRequestMessage(HttpMethod.Get, "/auth/token?service=evil&scope=repository:ml/app:pull");
        request.Headers.Authorization = Basic("alice", secret);
        using var wrongService = await client.SendAsync(request);

        Assert.Equal(HttpStatusCode.Unauthorized, anonymous.StatusCode);
        Assert.Equal(HttpStatusCode.BadRequest, wrongService.StatusCode);
    }

    [Fact]
    public async Task PostToken_PasswordThenRefresh_IssuesAndRevocationEndsRefresh()
    {
        using var client = factory.CreateClient();
        var secret = await SeedAliceAsync(ProjectRole.Developer);

        using var first = await client.PostAsync("/auth/token", new FormUrlEncodedContent(new Dictionary<string, string>
        {
            ["grant_type"] = "password", ["username"] = "alice", ["password"] = secret, ["service"] = "wharf",
            ["client_id"] = "docker", ["scope"] = "repository:ml/app:pull repository:ml/app:push",
        }));
        Assert.Equal(HttpStatusCode.OK, first.StatusCode);
        var body = await first.Content.ReadFromJsonAsync(WharfJsonContext.Default.RegistryTokenResponse);
        Assert.NotNull(body?.RefreshToken);
        Assert.Equal(["pull", "push"], Validate(body.Token).GetProperty("access")[0].GetProperty("actions").EnumerateArray().Select(a => a.GetString()));

        var refresh = new Dictionary<string, string>
        {
            ["grant_type"] = "refresh_token", ["refresh_token"] = body.RefreshToken, ["service"] = "wharf", ["scope"] = "repository:ml/app:pull",
        };
        using var second = await client.PostAsync("/auth/token", new FormUrlEncodedContent(refresh));
        Assert.Equal(HttpStatusCode.OK, second.StatusCode);

        await using (var scope = factory.Services.CreateAsyncScope())
        {
            var db = scope.ServiceProvider.GetRequiredService<WharfDbContext>();
            var id = (await db.AccessTokens.SingleAsync(t => t.Name == "laptop")).Id;
            Assert.True(await scope.ServiceProvider.GetRequiredService<TokenService>().RevokeAsync(id));
        }

        using var third = await client.PostAsync("/auth/token", new FormUrlEncodedContent(refresh));
        Assert.Equal(HttpStatusCode.Unauthorized, third.StatusCode);
    }

    [Fact]
    public async Task PostToken_AccessTokenAsRefreshTokenOrUnknownGrant_Refused()
    {
        using var client = factory.CreateClient();
        var secret = await SeedAliceAsync(ProjectRole.Developer);
        using var request = new HttpRequestMessage(HttpMethod.Get, "/auth/token?service=wharf");
        request.Headers.Authorization = Basic("alice", secret);
        using var issued = await client.SendAsync(request);
        var access = (await issued.Content.ReadFromJsonAsync(WharfJsonContext.Default.RegistryTokenResponse))!.Token;

        using var asRefresh = await client.PostAsync("/auth/token", new FormUrlEncodedContent(new Dictionary<string, string>
        {
            ["grant_type"] = "refresh_token", ["refresh_token"] = access,
        }));
        using var unknownGrant = await client.PostAsync("/auth/token", new FormUrlEncodedContent(new Dictionary<string, string>
        {
            ["grant_type"] = "client_credentials",
        }));

        Assert.Equal(HttpStatusCode.Unauthorized, asRefresh.StatusCode);
        Assert.Equal(HttpStatusCode.BadRequest, unknownGrant.StatusCode);
    }

    [Fact]
    public async Task GetToken_OverRateLimit_Returns429Envelope()
    {
        factory.Settings["Wharf:Auth:TokenEndpointPermitsPerMinute"] = "3";
        using var client = factory.CreateClient();

        var statuses = new List<HttpStatusCode>();
        for (var i = 0; i < 4; i++)
        {
            using var request = new HttpRequestMessage(HttpMethod.Get, "/auth/token?service=wharf");
            request.Headers.Authorization = Basic("admin", "guess-" + i);
            using var response = await client.SendAsync(request);
            statuses.Add(response.StatusCode);
            if (response.StatusCode == HttpStatusCode.TooManyRequests)
            {
                using var json = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
                Assert.Equal("TOOMANYREQUESTS", json.RootElement.GetProperty("errors")[0].GetProperty("code").GetString());
            }
        }

        Assert.Equal([HttpStatusCode.Unauthorized, HttpStatusCode.Unauthorized, HttpStatusCode.Unauthorized, HttpStatusCode.TooManyRequests], statuses);
    }

    [Fact]
    public async Task WhoAmI_BearerAndBasicToken_ReturnEffectiveScopes()
    {
        using var client = factory.CreateClient();
        var secret = await SeedAliceAsync(ProjectRole.Viewer);

        var bearer = await WhoAmIAsync(client, new AuthenticationHeaderValue("Bearer", secret));
        var basic = await WhoAmIAsync(client, Basic("anything", secret));

        Assert.Equal("alice", bearer.Name);
        var project = Assert.Single(bearer.Projects);
        Assert.Equal("ml", project.Project);
        Assert.Equal(Scopes.Names(ProjectRoles.Viewer), project.Scopes);
        Assert.Equal(bearer, basic with { Projects = bearer.Projects, EveryProject = bearer.EveryProject });
    }

    [Fact]
    public async Task WhoAmI_InvalidCredentials_Returns401ProblemDetails()
    {
        using var client = factory.CreateAnonymousClient();
        await SeedAliceAsync(ProjectRole.Viewer);

        var cases = new AuthenticationHeaderValue?[]
        {
            null,
            new("Bearer", "wharf_pat_AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA"),
            new("Bearer", "not-a-token"),
            Basic("alice", "alice-password"),
            new("Bearer", "wharf_pat_" + new string('A', 20_000)),
            new("Basic", "%%%not-base64"),
        };
        foreach (var header in cases)
        {
            using var request = new HttpRequestMessage(HttpMethod.Get, "/api/v1/auth/whoami");
            request.Headers.Authorization = header;
            using var response = await client.SendAsync(request);

            Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
            Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
            Assert.Equal("Bearer", response.Headers.WwwAuthenticate.Single().Scheme);
        }
    }

    private async Task<string> SeedAliceAsync(ProjectRole role)
    {
        await using var scope = factory.Services.CreateAsyncScope();
        var directory = scope.ServiceProvider.GetRequiredService<AuthDirectory>();
        var ml = await directory.CreateProjectAsync("ml");
        var other = await directory.CreateProjectAsync("other");
        var alice = await directory.CreateUserAsync("alice", "alice-password");
        await directory.SetUserRoleAsync(ml.Id, alice.Id, role);
        var created = await scope.ServiceProvider.GetRequiredService<TokenService>().CreateAsync(
            PrincipalKind.User, alice.Id, "laptop", [new TokenGrantRequest(ml.Id, Scopes.All), new TokenGrantRequest(other.Id, Scopes.All)]);
        return created.Secret;
    }

    private JsonElement Validate(string jwt)
    {
        var result = factory.Services.GetRequiredService<JwtValidator>().Validate(jwt, "wharf");
        Assert.True(result.IsValid, result.Error);
        return result.Claims!.Value;
    }

    private static AuthenticationHeaderValue Basic(string username, string password) =>
        new("Basic", Convert.ToBase64String(Encoding.UTF8.GetBytes($"{username}:{password}")));

    private static async Task<WhoAmI> WhoAmIAsync(HttpClient client, AuthenticationHeaderValue header)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, "/api/v1/auth/whoami");
        request.Headers.Authorization = header;
        using var response = await client.SendAsync(request);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        return (await response.Content.ReadFromJsonAsync(WharfJsonContext.Default.WhoAmI))!;
    }
}
