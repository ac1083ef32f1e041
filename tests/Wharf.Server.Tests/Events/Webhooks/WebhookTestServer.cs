using System.Net.Http.Headers;
using Microsoft.Extensions.DependencyInjection;
using Wharf.Server.Auth;
using Wharf.Server.Data;
using Wharf.Server.Tests.Infrastructure;

namespace Wharf.Server.Tests.Events.Webhooks;

/// <summary>
/// The real server in-process for webhook tests, on SQLite or a fresh PostgreSQL database, with quick retries and the
/// given <c>Wharf:Webhooks:AllowedNetworks</c> entries.
/// </summary>
internal sealed class WebhookTestServer : IAsyncDisposable
{
    private readonly WharfFactory _factory;
    private readonly PostgresServer.Database? _database;

    private WebhookTestServer(WharfFactory factory, PostgresServer.Database? database)
    {
        _factory = factory;
        _database = database;
    }

    public IServiceProvider Services => _factory.Services;

    public static async Task<WebhookTestServer> StartAsync(PostgresServer? postgres, params string[] allowedNetworks)
    {
        var database = postgres is null ? null : await postgres.CreateDatabaseAsync();
        var factory = new WharfFactory();
        factory.Settings["Wharf:Registry:GarbageCollectionInterval"] = "00:00:00";
        factory.Settings["Wharf:Events:PollInterval"] = "00:00:00.200";
        factory.Settings["Wharf:Webhooks:PollInterval"] = "00:00:00.200";
        factory.Settings["Wharf:Webhooks:RetryBaseDelay"] = "00:00:00.050";
        factory.Settings["Wharf:Webhooks:RetryMaxDelay"] = "00:00:00.200";
        factory.Settings["Wharf:Webhooks:MaxAttempts"] = "3";
        for (var i = 0; i < allowedNetworks.Length; i++)
        {
            factory.Settings[$"Wharf:Webhooks:AllowedNetworks:{i}"] = allowedNetworks[i];
        }

        if (database is not null)
        {
            factory.Settings["Wharf:Database:Provider"] = "postgres";
            factory.Settings["Wharf:Database:ConnectionString"] = database.ConnectionString;
        }

        var server = new WebhookTestServer(factory, database);
        _ = server.Services;
        return server;
    }

    /// <summary>A client with the bootstrap administrator's token.</summary>
    public HttpClient Admin() => _factory.CreateClient();

    /// <summary>A client with a token of a new user holding <paramref name="role"/> in <paramref name="project"/> (created when missing).</summary>
    public async Task<HttpClient> MemberOfAsync(string project, ProjectRole role)
    {
        await using var scope = Services.CreateAsyncScope();
        var directory = scope.ServiceProvider.GetRequiredService<AuthDirectory>();
        var db = scope.ServiceProvider.GetRequiredService<WharfDbContext>();
        var user = await directory.CreateUserAsync($"u-{Guid.NewGuid():N}"[..20], "password-of-a-user");
        var found = db.Projects.SingleOrDefault(p => p.Name == project) ?? await directory.CreateProjectAsync(project);
        await directory.SetUserRoleAsync(found.Id, user.Id, role);
        var token = await scope.ServiceProvider.GetRequiredService<TokenService>().CreateAsync(
            PrincipalKind.User, user.Id, "test", [new TokenGrantRequest(found.Id, Scopes.All)]);
        var client = _factory.CreateAnonymousClient();
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", token.Secret);
        return client;
    }

    public async ValueTask DisposeAsync()
    {
        await _factory.DisposeAsync();
        if (_database is not null)
        {
            await _database.DisposeAsync();
        }
    }
}
