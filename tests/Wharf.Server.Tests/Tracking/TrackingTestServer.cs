using System.Net.Http.Headers;
using Microsoft.Extensions.DependencyInjection;
using Wharf.Server.Auth;
using Wharf.Server.Data;
using Wharf.Server.Tests.Infrastructure;

namespace Wharf.Server.Tests.Tracking;

/// <summary>
/// The real server in-process for tracking tests, on SQLite or (given a <see cref="PostgresServer"/>) a fresh
/// PostgreSQL database; with helpers to make projects and tokens of developers of one project.
/// </summary>
internal sealed class TrackingTestServer : IAsyncDisposable
{
    private readonly WharfFactory _factory;
    private readonly PostgresServer.Database? _database;

    private TrackingTestServer(WharfFactory factory, PostgresServer.Database? database)
    {
        _factory = factory;
        _database = database;
    }

    public IServiceProvider Services => _factory.Services;

    public static async Task<TrackingTestServer> StartAsync(PostgresServer? postgres)
    {
        var database = postgres is null ? null : await postgres.CreateDatabaseAsync();
        var factory = new WharfFactory();
        factory.Settings["Wharf:Registry:GarbageCollectionInterval"] = "00:00:00";
        if (database is not null)
        {
            factory.Settings["Wharf:Database:Provider"] = "postgres";
            factory.Settings["Wharf:Database:ConnectionString"] = database.ConnectionString;
        }

        var server = new TrackingTestServer(factory, database);
        _ = server.Services;
        return server;
    }

    /// <summary>A client with the bootstrap administrator's token.</summary>
    public MlflowTestClient Admin() => new(_factory.CreateClient());

    public MlflowTestClient Anonymous() => new(_factory.CreateAnonymousClient());

    /// <summary>A client with a token of a new developer of <paramref name="projects"/> (created when missing).</summary>
    public async Task<MlflowTestClient> DeveloperOfAsync(params string[] projects)
    {
        await using var scope = Services.CreateAsyncScope();
        var directory = scope.ServiceProvider.GetRequiredService<AuthDirectory>();
        var db = scope.ServiceProvider.GetRequiredService<WharfDbContext>();
        var user = await directory.CreateUserAsync($"dev-{Guid.NewGuid():N}"[..20], "password-of-a-dev");
        var grants = new List<TokenGrantRequest>();
        foreach (var name in projects)
        {
            var project = db.Projects.SingleOrDefault(p => p.Name == name) ?? await directory.CreateProjectAsync(name);
            await directory.SetUserRoleAsync(project.Id, user.Id, ProjectRole.Developer);
            grants.Add(new TokenGrantRequest(project.Id, Scopes.All));
        }

        var token = await scope.ServiceProvider.GetRequiredService<TokenService>().CreateAsync(PrincipalKind.User, user.Id, "test", grants);
        var client = _factory.CreateAnonymousClient();
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", token.Secret);
        return new MlflowTestClient(client);
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
