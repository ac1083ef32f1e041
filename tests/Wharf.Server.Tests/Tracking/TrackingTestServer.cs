using System.Net;
using System.Net.Http.Headers;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;
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

    public static async Task<TrackingTestServer> StartAsync(PostgresServer? postgres, IReadOnlyDictionary<string, string?>? settings = null)
    {
        var database = postgres is null ? null : await postgres.CreateDatabaseAsync();
        var factory = new WharfFactory();
        factory.Settings["Wharf:Registry:GarbageCollectionInterval"] = "00:00:00";
        foreach (var (key, value) in settings ?? new Dictionary<string, string?>())
        {
            factory.Settings[key] = value;
        }

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

    /// <summary>
    /// Sends a request target exactly as a client wrote it, which <see cref="Uri"/> and the test client's handler would
    /// canonicalize first. The path reaches the server as Kestrel hands it on: percent-decoded except <c>%2F</c>, with
    /// dot segments removed; the raw target stays in <see cref="IHttpRequestFeature.RawTarget"/>.
    /// </summary>
    public async Task<MlflowResponse> SendRawAsync(MlflowTestClient client, string method, string target, byte[]? body = null)
    {
        var query = target.IndexOf('?', StringComparison.Ordinal);
        var rawPath = query >= 0 ? target[..query] : target;
        var context = await _factory.Server.SendAsync(c =>
        {
            c.Request.Method = method;
            c.Request.Path = new PathString(RemoveDotSegments(DecodeExceptSlash(rawPath)));
            c.Request.QueryString = query >= 0 ? new QueryString(target[query..]) : QueryString.Empty;
            c.Features.Get<IHttpRequestFeature>()!.RawTarget = target;
            c.Request.Headers.Authorization = client.Http.DefaultRequestHeaders.Authorization?.ToString();
            if (body is not null)
            {
                c.Request.Body = new MemoryStream(body);
                c.Request.ContentLength = body.Length;
            }
        });
        using var reader = new StreamReader(context.Response.Body);
        var text = await reader.ReadToEndAsync();
        var contentType = context.Response.ContentType is { } type ? MediaTypeHeaderValue.Parse(type).MediaType : null;
        return new MlflowResponse((HttpStatusCode)context.Response.StatusCode, text, contentType);
    }

    private static string DecodeExceptSlash(string path) =>
        string.Join("%2F", path.Split(["%2F", "%2f"], StringSplitOptions.None).Select(Uri.UnescapeDataString));

    /// <summary>RFC 3986 section 5.2.4, as Kestrel applies it to the decoded path.</summary>
    private static string RemoveDotSegments(string path)
    {
        var output = new List<string>();
        var segments = path.Split('/');
        for (var i = 1; i < segments.Length; i++)
        {
            switch (segments[i])
            {
                case ".":
                    if (i == segments.Length - 1)
                    {
                        output.Add("");
                    }

                    break;
                case "..":
                    if (output.Count > 0)
                    {
                        output.RemoveAt(output.Count - 1);
                    }

                    if (i == segments.Length - 1)
                    {
                        output.Add("");
                    }

                    break;
                default:
                    output.Add(segments[i]);
                    break;
            }
        }

        return "/" + string.Join('/', output);
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
