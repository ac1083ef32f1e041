using System.Buffers.Text;
using System.Net;
using System.Net.Http.Headers;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Wharf.Server.Auth;
using Wharf.Server.Data;
using Wharf.Server.Tests.Infrastructure;

namespace Wharf.Server.Tests.Auth;

/// <summary>
/// Hostile credentials against the real server in-process: every refusal is a clear 401/403/429 in the surface's own
/// format (the OCI envelope under <c>/v2</c>, problem details under <c>/api</c>), leaves an audit row, and the server
/// keeps serving. Project <c>pa</c> holds the caller's service account; <c>pb</c> is someone else's project.
/// </summary>
public sealed class AuthHostileInputTests : IDisposable
{
    private const string OwnV2 = "/v2/pa/x/tags/list";
    private const string OtherV2 = "/v2/pb/x/tags/list";
    private const string OwnApi = "/api/v1/registry/tags?repository=pa/x";
    private const string OtherApi = "/api/v1/registry/tags?repository=pb/x";

    private readonly WharfFactory factory = new();

    private DateTimeOffset Now => factory.Services.GetRequiredService<TimeProvider>().GetUtcNow();

    public void Dispose() => factory.Dispose();

    public static TheoryData<string> BadTokenKinds => ["expired", "revoked", "unknown", "truncated", "garbage"];

    [Theory]
    [MemberData(nameof(BadTokenKinds))]
    public async Task V2_BadPatAsBearerOrBasic_401EnvelopeAndAudited(string kind)
    {
        var token = await BadTokenAsync(kind);
        using var client = factory.CreateAnonymousClient();

        foreach (var header in new[] { new AuthenticationHeaderValue("Bearer", token), Basic("ci", token) })
        {
            using var response = await SendAsync(client, OwnV2, header);

            await AssertRegistryErrorAsync(response, HttpStatusCode.Unauthorized, "UNAUTHORIZED");
            Assert.Equal("Bearer", response.Headers.WwwAuthenticate.Single().Scheme);
        }

        Assert.Equal(2, (await RefusalsAsync(OwnV2, 401)).Count);
    }

    [Theory]
    [MemberData(nameof(BadTokenKinds))]
    public async Task Api_BadPatAsBearerOrBasic_401ProblemAndAudited(string kind)
    {
        var token = await BadTokenAsync(kind);
        using var client = factory.CreateAnonymousClient();

        foreach (var header in new[] { new AuthenticationHeaderValue("Bearer", token), Basic("ci", token) })
        {
            using var response = await SendAsync(client, OwnApi, header);

            await AssertProblemAsync(response, HttpStatusCode.Unauthorized);
        }

        Assert.Equal(2, (await RefusalsAsync("/api/v1/registry/tags", 401)).Count);
    }

    [Fact]
    public async Task V2_ProjectATokenOnProjectBRepository_403DeniedAndAudited()
    {
        var token = await SeedAsync(ProjectRole.Developer);
        using var client = factory.CreateAnonymousClient();

        using var own = await SendAsync(client, OwnV2, Basic("ci", token));
        using var other = await SendAsync(client, OtherV2, Basic("ci", token));
        using var otherBearer = await SendAsync(client, OtherV2, new AuthenticationHeaderValue("Bearer", token));

        // The repository does not exist yet: the token got past auth and the registry says so in its own words.
        await AssertRegistryErrorAsync(own, HttpStatusCode.NotFound, "NAME_UNKNOWN");
        await AssertRegistryErrorAsync(other, HttpStatusCode.Forbidden, "DENIED");
        await AssertRegistryErrorAsync(otherBearer, HttpStatusCode.Forbidden, "DENIED");
        var audit = await RefusalsAsync(OtherV2, 403);
        Assert.Equal(2, audit.Count);
        Assert.All(audit, a => Assert.Equal("sa:pa/ci", a.Actor));
    }

    [Fact]
    public async Task V2_RegistryJwtForProjectA_OnProjectBRepository_401InsufficientScopeAndAudited()
    {
        var token = await SeedAsync(ProjectRole.Developer);
        using var client = factory.CreateAnonymousClient();
        var jwt = await RegistryJwtAsync(client, token, "repository:pa/x:pull", "repository:pb/x:pull");

        using var own = await SendAsync(client, OwnV2, new AuthenticationHeaderValue("Bearer", jwt));
        using var other = await SendAsync(client, OtherV2, new AuthenticationHeaderValue("Bearer", jwt));

        await AssertRegistryErrorAsync(own, HttpStatusCode.NotFound, "NAME_UNKNOWN");
        await AssertRegistryErrorAsync(other, HttpStatusCode.Unauthorized, "UNAUTHORIZED");
        Assert.Contains("error=\"insufficient_scope\"", other.Headers.WwwAuthenticate.ToString(), StringComparison.Ordinal);
        Assert.Contains("does not allow pull on pb/x", await other.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        var entry = Assert.Single(await RefusalsAsync(OtherV2, 401));
        Assert.Equal("sa:pa/ci", entry.Actor);
    }

    [Fact]
    public async Task Api_ProjectATokenOnProjectBRepository_403ProblemAndAudited()
    {
        var token = await SeedAsync(ProjectRole.Developer);
        using var client = factory.CreateAnonymousClient();

        using var own = await SendAsync(client, OwnApi, new AuthenticationHeaderValue("Bearer", token));
        using var other = await SendAsync(client, OtherApi, new AuthenticationHeaderValue("Bearer", token));

        Assert.NotEqual(HttpStatusCode.Unauthorized, own.StatusCode);
        Assert.NotEqual(HttpStatusCode.Forbidden, own.StatusCode);
        var problem = await AssertProblemAsync(other, HttpStatusCode.Forbidden);
        Assert.Contains("'pb'", problem.GetProperty("detail").GetString(), StringComparison.Ordinal);
        Assert.Equal("sa:pa/ci", Assert.Single(await RefusalsAsync("/api/v1/registry/tags", 403)).Actor);
    }

    public static TheoryData<string> ForgedJwtKinds => ["alg-none", "hs256-public-key", "injected-jwk", "foreign-kid", "expired", "wrong-audience"];

    [Theory]
    [MemberData(nameof(ForgedJwtKinds))]
    public async Task V2_ForgedRegistryJwt_401EnvelopeAndAudited(string kind)
    {
        await SeedAsync(ProjectRole.Owner);
        var keys = factory.Services.GetRequiredService<RegistrySigningKeys>();
        var ours = keys.Current;
        var payload = Payload(exp: Now.AddMinutes(5));
        using var attacker = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var forged = kind switch
        {
            "alg-none" => Encode($$"""{"alg":"none","kid":"{{ours.KeyId}}"}""", payload) + ".",
            "hs256-public-key" => SignHs256(Encoding.UTF8.GetBytes(ours.Key.ExportSubjectPublicKeyInfoPem()), $$"""{"alg":"HS256","kid":"{{ours.KeyId}}"}""", payload),
            "injected-jwk" => SignEs256(attacker, $$"""{"alg":"ES256","kid":"{{ours.KeyId}}","jwk":{{Jwk(attacker)}}}""", payload),
            "foreign-kid" => SignEs256(attacker, $$"""{"alg":"ES256","kid":"{{RegistrySigningKeys.Thumbprint(attacker)}}"}""", payload),
            // Signed with the server's own key, but long expired: beyond any leeway.
            "expired" => SignEs256(ours.Key, $$"""{"alg":"ES256","kid":"{{ours.KeyId}}"}""", Payload(exp: Now.AddHours(-1))),
            "wrong-audience" => SignEs256(ours.Key, $$"""{"alg":"ES256","kid":"{{ours.KeyId}}"}""", Payload(Now.AddMinutes(5), audience: "other-registry")),
            _ => throw new ArgumentOutOfRangeException(nameof(kind)),
        };
        using var client = factory.CreateAnonymousClient();

        using var response = await SendAsync(client, OwnV2, new AuthenticationHeaderValue("Bearer", forged));

        await AssertRegistryErrorAsync(response, HttpStatusCode.Unauthorized, "UNAUTHORIZED");
        Assert.Single(await RefusalsAsync(OwnV2, 401));
    }

    [Theory]
    [InlineData(OwnV2, true)]
    [InlineData("/v2/", true)]
    [InlineData(OwnApi, false)]
    [InlineData("/api/v1/status", false)]
    public async Task OversizedAuthorizationHeader_401AndServerKeepsServing(string path, bool registry)
    {
        var token = await SeedAsync(ProjectRole.Developer);
        using var client = factory.CreateAnonymousClient();
        var huge = "wharf_pat_" + new string('A', 20 * 1024);

        using (var bearer = await SendAsync(client, path, new AuthenticationHeaderValue("Bearer", huge)))
        using (var basic = await SendAsync(client, path, Basic("ci", huge)))
        {
            foreach (var response in new[] { bearer, basic })
            {
                if (registry)
                {
                    await AssertRegistryErrorAsync(response, HttpStatusCode.Unauthorized, "UNAUTHORIZED");
                }
                else
                {
                    await AssertProblemAsync(response, HttpStatusCode.Unauthorized);
                }
            }
        }

        Assert.Equal(2, (await RefusalsAsync(path.Split('?')[0], 401)).Count);
        using var after = await SendAsync(client, path, Basic("ci", token));
        Assert.NotEqual(HttpStatusCode.Unauthorized, after.StatusCode);
        Assert.True((int)after.StatusCode < 500, $"{after.StatusCode} after the oversized headers");
    }

    [Fact]
    public async Task OversizedAuthorizationHeader_OverRealKestrel_401Or431AndServerKeepsServing()
    {
        // The in-process test host has no header limits; Kestrel does (32 KiB of headers by default).
        using var server = new KestrelWharfServer();
        using var client = server.CreateAnonymousClient();
        var twentyKiB = "wharf_pat_" + new string('A', 20 * 1024);
        var sixtyFourKiB = "wharf_pat_" + new string('A', 64 * 1024);

        using var v2 = await SendAsync(client, "/v2/", new AuthenticationHeaderValue("Bearer", twentyKiB));
        using var api = await SendAsync(client, "/api/v1/status", new AuthenticationHeaderValue("Bearer", twentyKiB));
        await AssertRegistryErrorAsync(v2, HttpStatusCode.Unauthorized, "UNAUTHORIZED");
        await AssertProblemAsync(api, HttpStatusCode.Unauthorized);
        using (var tooLarge = await SendAsync(client, "/v2/", new AuthenticationHeaderValue("Bearer", sixtyFourKiB)))
        {
            Assert.Equal(HttpStatusCode.RequestHeaderFieldsTooLarge, tooLarge.StatusCode);
        }

        using var admin = server.CreateClient();
        using var after = await admin.GetAsync("/api/v1/status");
        Assert.Equal(HttpStatusCode.OK, after.StatusCode);
    }

    [Fact]
    public async Task TokenEndpoint_BruteForce_RateLimited429WithRetryAfterAndAudited()
    {
        factory.Settings["Wharf:Auth:TokenEndpointPermitsPerMinute"] = "5";
        var token = await SeedAsync(ProjectRole.Developer);
        using var client = factory.CreateAnonymousClient();

        var statuses = new List<HttpStatusCode>();
        for (var i = 0; i < 8; i++)
        {
            using var response = await SendAsync(client, "/auth/token?service=wharf&scope=repository:pa/x:pull", Basic("admin", $"guess-{i}"));
            statuses.Add(response.StatusCode);
            if (response.StatusCode == HttpStatusCode.TooManyRequests)
            {
                await AssertRegistryErrorAsync(response, HttpStatusCode.TooManyRequests, "TOOMANYREQUESTS");
                Assert.True(response.Headers.RetryAfter?.Delta > TimeSpan.Zero, $"Retry-After: {response.Headers.RetryAfter}");
            }
        }

        // Once limited, even the right credentials wait: the limit is on the address, not on a guess being wrong.
        using var right = await SendAsync(client, "/auth/token?service=wharf&scope=repository:pa/x:pull", Basic("ci", token));

        Assert.Equal([.. Enumerable.Repeat(HttpStatusCode.Unauthorized, 5), .. Enumerable.Repeat(HttpStatusCode.TooManyRequests, 3)], statuses);
        Assert.Equal(HttpStatusCode.TooManyRequests, right.StatusCode);
        await using var scope = factory.Services.CreateAsyncScope();
        var audit = await scope.ServiceProvider.GetRequiredService<WharfDbContext>().AuditLog.Where(a => a.Action == "registry.token").ToListAsync();
        Assert.Equal(5, audit.Count(a => a.Outcome.StartsWith("refused", StringComparison.Ordinal) && !a.Outcome.Contains("rate limited", StringComparison.Ordinal)));
        Assert.Equal(4, audit.Count(a => a.Outcome == "refused: rate limited"));
        using var served = await factory.CreateClient().GetAsync("/api/v1/status");
        Assert.Equal(HttpStatusCode.OK, served.StatusCode);
    }

    /// <summary>
    /// Project <c>pa</c> with service account <c>ci</c> in <paramref name="role"/>, project <c>pb</c>; returns a token of
    /// <c>ci</c> with every scope on <c>pa</c>.
    /// </summary>
    private async Task<string> SeedAsync(ProjectRole role)
    {
        await using var scope = factory.Services.CreateAsyncScope();
        var directory = scope.ServiceProvider.GetRequiredService<AuthDirectory>();
        var pa = await directory.CreateProjectAsync("pa");
        await directory.CreateProjectAsync("pb");
        var ci = await directory.CreateServiceAccountAsync(pa.Id, "ci", role);
        var created = await scope.ServiceProvider.GetRequiredService<TokenService>()
            .CreateAsync(PrincipalKind.ServiceAccount, ci.Id, "ci", [new TokenGrantRequest(pa.Id, Scopes.All)]);
        return created.Secret;
    }

    private async Task<string> BadTokenAsync(string kind)
    {
        var token = await SeedAsync(ProjectRole.Developer);
        await using var scope = factory.Services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<WharfDbContext>();
        var id = (await db.AccessTokens.SingleAsync(t => t.Name == "ci")).Id;
        switch (kind)
        {
            case "expired":
                var past = Now.AddMinutes(-1);
                await db.AccessTokens.Where(t => t.Id == id).ExecuteUpdateAsync(s => s.SetProperty(t => t.ExpiresAt, past));
                return token;
            case "revoked":
                Assert.True(await scope.ServiceProvider.GetRequiredService<TokenService>().RevokeAsync(id));
                return token;
            case "unknown":
                return TokenSecrets.Prefix + new string('A', token.Length - TokenSecrets.Prefix.Length);
            case "truncated":
                return token[..^5];
            case "garbage":
                return "not-a-token%00";
            default:
                throw new ArgumentOutOfRangeException(nameof(kind));
        }
    }

    private static async Task<string> RegistryJwtAsync(HttpClient client, string token, params string[] scopes)
    {
        var query = string.Join('&', scopes.Select(s => "scope=" + Uri.EscapeDataString(s)));
        using var response = await SendAsync(client, $"/auth/token?service=wharf&{query}", Basic("ci", token));
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        using var json = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        return json.RootElement.GetProperty("token").GetString()!;
    }

    private async Task<List<AuditEntry>> RefusalsAsync(string path, int status)
    {
        await using var scope = factory.Services.CreateAsyncScope();
        var all = await scope.ServiceProvider.GetRequiredService<WharfDbContext>().AuditLog.AsNoTracking().ToListAsync();
        return [.. all.Where(a => a.Action == "access.denied"
            && a.Target is { } target && target.EndsWith(" " + path, StringComparison.Ordinal)
            && a.Outcome.StartsWith($"refused {status}", StringComparison.Ordinal))];
    }

    private static async Task<HttpResponseMessage> SendAsync(HttpClient client, string path, AuthenticationHeaderValue? header)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, path);
        // Unvalidated: the point is to send what a hostile client would, not what HttpClient thinks is well formed.
        if (header is not null)
        {
            request.Headers.TryAddWithoutValidation("Authorization", $"{header.Scheme} {header.Parameter}");
        }

        return await client.SendAsync(request);
    }

    private static async Task AssertRegistryErrorAsync(HttpResponseMessage response, HttpStatusCode status, string code)
    {
        var body = await response.Content.ReadAsStringAsync();
        Assert.True(status == response.StatusCode, $"expected {status}, got {response.StatusCode}: {body}");
        using var json = JsonDocument.Parse(body);
        Assert.Equal(code, json.RootElement.GetProperty("errors")[0].GetProperty("code").GetString());
        Assert.False(string.IsNullOrEmpty(json.RootElement.GetProperty("errors")[0].GetProperty("message").GetString()));
    }

    private static async Task<JsonElement> AssertProblemAsync(HttpResponseMessage response, HttpStatusCode status)
    {
        var body = await response.Content.ReadAsStringAsync();
        Assert.True(status == response.StatusCode, $"expected {status}, got {response.StatusCode}: {body}");
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        using var json = JsonDocument.Parse(body);
        Assert.Equal((int)status, json.RootElement.GetProperty("status").GetInt32());
        return json.RootElement.Clone();
    }

    private static AuthenticationHeaderValue Basic(string username, string password) =>
        new("Basic", Convert.ToBase64String(Encoding.UTF8.GetBytes($"{username}:{password}")));

    private static string Payload(DateTimeOffset exp, string audience = "wharf") =>
        $$"""{"iss":"wharf","sub":"sa:pa/ci","aud":"{{audience}}","exp":{{exp.ToUnixTimeSeconds()}},"access":[{"type":"repository","name":"pa/x","actions":["pull","push"]}]}""";

    private static string Jwk(ECDsa key)
    {
        var q = key.ExportParameters(false).Q;
        return $$"""{"kty":"EC","crv":"P-256","x":"{{Base64Url.EncodeToString(q.X)}}","y":"{{Base64Url.EncodeToString(q.Y)}}"}""";
    }

    private static string Encode(string header, string payload) =>
        Base64Url.EncodeToString(Encoding.UTF8.GetBytes(header)) + "." + Base64Url.EncodeToString(Encoding.UTF8.GetBytes(payload));

    private static string SignEs256(ECDsa key, string header, string payload)
    {
        var input = Encode(header, payload);
        return input + "." + Base64Url.EncodeToString(key.SignData(Encoding.ASCII.GetBytes(input), HashAlgorithmName.SHA256));
    }

    private static string SignHs256(byte[] key, string header, string payload)
    {
        var input = Encode(header, payload);
        return input + "." + Base64Url.EncodeToString(HMACSHA256.HashData(key, Encoding.ASCII.GetBytes(input)));
    }
}
