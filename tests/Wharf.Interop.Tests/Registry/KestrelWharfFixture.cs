using System.Net.Http.Headers;
using System.Text;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Wharf.Interop.Tests.Infrastructure;
using Wharf.Server.Auth;
using Wharf.Server.Data;
using Wharf.Server.Hosting;

namespace Wharf.Interop.Tests.Registry;

/// <summary>
/// Wharf in this process on real Kestrel (a free loopback port), so skopeo and podman talk to it over a socket while
/// the tests create projects, service accounts, users and tokens, and revoke tokens, through the server's own
/// services. There is no admin API for those yet; once there is, the child-process fixture can do the same through it.
/// </summary>
public sealed class KestrelWharfFixture : IDisposable
{
    private readonly Factory _factory = new();

    public KestrelWharfFixture()
    {
        _factory.UseKestrel(0);
        _factory.StartServer();
        var address = new Uri(_factory.Services.GetRequiredService<IServer>().Features.GetRequiredFeature<IServerAddressesFeature>().Addresses.First());
        Host = $"127.0.0.1:{address.Port}";
        BaseUrl = new Uri($"http://{Host}/");
    }

    /// <summary><c>127.0.0.1:port</c>, as it appears in image references.</summary>
    public string Host { get; }

    public Uri BaseUrl { get; }

    /// <summary><c>admin:&lt;bootstrap token&gt;</c> for <c>--creds</c>, to set up images a test's principal is then refused.</summary>
    public string AdminCredentials => $"admin:{AdminToken}";

    /// <summary>The bootstrap administrator's token, as the server wrote it to its data directory.</summary>
    public string AdminToken => File.ReadAllText(Path.Combine(_factory.DataDirectory, "admin-token")).Trim();

    internal IServiceProvider Services => _factory.Services;

    public async Task<long> CreateProjectAsync(string name)
    {
        await using var scope = Services.CreateAsyncScope();
        return (await scope.ServiceProvider.GetRequiredService<AuthDirectory>().CreateProjectAsync(name)).Id;
    }

    /// <summary>A service account of the project in <paramref name="role"/> and a token with every registry scope on it.</summary>
    internal async Task<CreatedToken> CreateServiceAccountTokenAsync(long projectId, string name, ProjectRole role)
    {
        await using var scope = Services.CreateAsyncScope();
        var account = await scope.ServiceProvider.GetRequiredService<AuthDirectory>().CreateServiceAccountAsync(projectId, name, role);
        return await CreateTokenAsync(scope, PrincipalKind.ServiceAccount, account.Id, projectId);
    }

    /// <summary>A user without a password, a member of the project in <paramref name="role"/>, and a token of theirs.</summary>
    internal async Task<CreatedToken> CreateUserTokenAsync(long projectId, string username, ProjectRole role)
    {
        await using var scope = Services.CreateAsyncScope();
        var directory = scope.ServiceProvider.GetRequiredService<AuthDirectory>();
        var user = await directory.CreateUserAsync(username, password: null);
        await directory.SetUserRoleAsync(projectId, user.Id, role);
        return await CreateTokenAsync(scope, PrincipalKind.User, user.Id, projectId);
    }

    public async Task RevokeAsync(long tokenId)
    {
        await using var scope = Services.CreateAsyncScope();
        if (!await scope.ServiceProvider.GetRequiredService<TokenService>().RevokeAsync(tokenId))
        {
            throw new InvalidOperationException($"token {tokenId} did not exist or was revoked already");
        }
    }

    /// <summary>How many refusals the audit log holds for <paramref name="actor"/>.</summary>
    public async Task<int> CountRefusalsAsync(string actor)
    {
        await using var scope = Services.CreateAsyncScope();
        return await scope.ServiceProvider.GetRequiredService<WharfDbContext>().AuditLog
            .CountAsync(a => a.Actor == actor && a.Outcome.StartsWith("refused"));
    }

    /// <summary>An HTTP client that sends Basic <paramref name="username"/>:<paramref name="password"/>, as a script would.</summary>
    public HttpClient CreateBasicClient(string username, string password)
    {
        var client = new HttpClient { BaseAddress = BaseUrl };
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue(
            "Basic", Convert.ToBase64String(Encoding.UTF8.GetBytes($"{username}:{password}")));
        return client;
    }

    public void Dispose() => _factory.Dispose();

    private static async Task<CreatedToken> CreateTokenAsync(AsyncServiceScope scope, PrincipalKind kind, long ownerId, long projectId)
    {
        return await scope.ServiceProvider.GetRequiredService<TokenService>().CreateAsync(
            kind, ownerId, "interop", [new TokenGrantRequest(projectId, Scope.RegistryPull | Scope.RegistryPush | Scope.RegistryDelete)]);
    }

    private sealed class Factory : WebApplicationFactory<WharfServer>
    {
        private readonly TempDirectory _data = new("wi-kwharf");

        public string DataDirectory => _data.Path;

        protected override void ConfigureWebHost(IWebHostBuilder builder)
        {
            builder.UseSetting("Wharf:DataDirectory", _data.Path);
            // Every skopeo and podman command fetches registry tokens, all from 127.0.0.1: the default per-address limit
            // (60 a minute) is for brute force, not for a test suite, and is tested in Wharf.Server.Tests.
            builder.UseSetting("Wharf:Auth:TokenEndpointPermitsPerMinute", "100000");
        }

        protected override void Dispose(bool disposing)
        {
            base.Dispose(disposing);
            if (disposing)
            {
                _data.Dispose();
            }
        }
    }
}
