using System.Text;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Wharf.Server.Auth;
using Wharf.Server.Registry;
using Wharf.Server.Tests.Infrastructure;

namespace Wharf.Server.Tests.Auth;

/// <summary>The default-deny registry authorizer (not registered in the server yet), driven directly.</summary>
public sealed class TokenRegistryAuthorizerTests : IDisposable
{
    private readonly WharfFactory factory = new();
    private string secret = "";

    public void Dispose() => factory.Dispose();

    [Fact]
    public async Task AuthorizeAsync_NoCredentials_401WithBearerChallenge()
    {
        var (authorizer, scope, _) = await StartAsync();
        await using var _ = scope;

        var (status, challenge) = await RunAsync(authorizer, scope, null, "ml/app", RegistryActions.Pull | RegistryActions.Push);

        Assert.Equal(401, status);
        Assert.Equal("Bearer realm=\"http://localhost/auth/token\",service=\"wharf\",scope=\"repository:ml/app:pull,push\"", challenge);
    }

    [Fact]
    public async Task AuthorizeAsync_JwtWithPull_AllowsPullChallengesPushAndOtherRepository()
    {
        var (authorizer, scope, principal) = await StartAsync();
        await using var _ = scope;
        var jwt = "Bearer " + factory.Services.GetRequiredService<RegistryTokenIssuer>()
            .IssueAccess(principal, [new RegistryAccess("repository", "ml/app", ["pull"])]).Token;

        Assert.Null((await RunAsync(authorizer, scope, jwt, "ml/app", RegistryActions.Pull)).Status);
        var push = await RunAsync(authorizer, scope, jwt, "ml/app", RegistryActions.Push);
        var other = await RunAsync(authorizer, scope, jwt, "other/app", RegistryActions.Pull);

        Assert.Equal(401, push.Status);
        Assert.EndsWith("error=\"insufficient_scope\"", push.Challenge, StringComparison.Ordinal);
        Assert.Equal(401, other.Status);
    }

    [Fact]
    public async Task AuthorizeAsync_PatAsBasicPassword_AllowsOwnProjectDeniesOther()
    {
        var (authorizer, scope, _) = await StartAsync();
        await using var _ = scope;
        var basic = "Basic " + Convert.ToBase64String(Encoding.UTF8.GetBytes("alice:" + secret));

        Assert.Null((await RunAsync(authorizer, scope, basic, "ml/app", RegistryActions.Push | RegistryActions.Pull)).Status);
        Assert.Equal(403, (await RunAsync(authorizer, scope, basic, "ml/app", RegistryActions.Delete)).Status);
        Assert.Equal(403, (await RunAsync(authorizer, scope, basic, "other/app", RegistryActions.Pull)).Status);
    }

    [Fact]
    public async Task AuthorizeAsync_ForgedAlgNoneJwt_Challenged()
    {
        var (authorizer, scope, _) = await StartAsync();
        await using var _ = scope;
        static string B64(string s) => Convert.ToBase64String(Encoding.UTF8.GetBytes(s)).TrimEnd('=').Replace('+', '-').Replace('/', '_');
        var forged = "Bearer " + B64("""{"alg":"none"}""") + "." + B64("""{"iss":"wharf","aud":"wharf","exp":9999999999,"access":[{"type":"repository","name":"ml/app","actions":["push"]}]}""") + ".";

        Assert.Equal(401, (await RunAsync(authorizer, scope, forged, "ml/app", RegistryActions.Push)).Status);
    }

    [Fact]
    public async Task VisibleRepositoriesAsync_Pat_OnlyRepositoriesOfItsProjects()
    {
        var (authorizer, scope, _) = await StartAsync();
        await using var _ = scope;

        var visible = await authorizer.VisibleRepositoriesAsync(Context(scope, "Bearer " + secret));
        var anonymous = await authorizer.VisibleRepositoriesAsync(Context(scope, null));

        Assert.False(visible.All);
        Assert.Equal(["ml"], visible.Projects);
        Assert.Empty(visible.Repositories);
        Assert.Same(RegistryVisibilityNothing, anonymous);
    }

    private static readonly Wharf.Server.Registry.RepositoryVisibility RegistryVisibilityNothing = Wharf.Server.Registry.RepositoryVisibility.Nothing;

    private async Task<(TokenRegistryAuthorizer, AsyncServiceScope, AuthPrincipal)> StartAsync()
    {
        factory.CreateClient().Dispose();
        var scope = factory.Services.CreateAsyncScope();
        var directory = scope.ServiceProvider.GetRequiredService<AuthDirectory>();
        var ml = await directory.CreateProjectAsync("ml");
        await directory.CreateProjectAsync("other");
        var alice = await directory.CreateUserAsync("alice", null);
        await directory.SetUserRoleAsync(ml.Id, alice.Id, ProjectRole.Developer);
        var tokens = scope.ServiceProvider.GetRequiredService<TokenService>();
        secret = (await tokens.CreateAsync(PrincipalKind.User, alice.Id, "t", [new TokenGrantRequest(ml.Id, Scopes.All)])).Secret;
        var principal = (await tokens.ValidateAsync(secret))!;
        var authorizer = (TokenRegistryAuthorizer)factory.Services.GetRequiredService<IRegistryAuthorizer>();
        return (authorizer, scope, principal);
    }

    private static DefaultHttpContext Context(AsyncServiceScope scope, string? authorization)
    {
        var context = new DefaultHttpContext { RequestServices = scope.ServiceProvider };
        context.Request.Scheme = "http";
        context.Request.Host = new HostString("localhost");
        if (authorization is not null)
        {
            context.Request.Headers.Authorization = authorization;
        }

        return context;
    }

    private static async Task<(int? Status, string? Challenge)> RunAsync(
        TokenRegistryAuthorizer authorizer, AsyncServiceScope scope, string? authorization, string repository, RegistryActions actions)
    {
        Assert.True(RepositoryName.TryParse(repository, out var name, out _));
        var result = await authorizer.AuthorizeAsync(Context(scope, authorization), name, actions);
        if (result is null)
        {
            return (null, null);
        }

        var response = Context(scope, null);
        response.Response.Body = new MemoryStream();
        await result.ExecuteAsync(response);
        return (response.Response.StatusCode, response.Response.Headers.WWWAuthenticate.ToString() is { Length: > 0 } c ? c : null);
    }
}
