using System.Net;
using Microsoft.AspNetCore.Routing;
using Microsoft.AspNetCore.Routing.Patterns;
using Microsoft.Extensions.DependencyInjection;
using Wharf.Server.Auth;
using Wharf.Server.Tests.Infrastructure;
using Xunit.Abstractions;

namespace Wharf.Server.Tests.Auth;

/// <summary>
/// Default deny, proven over the real endpoint table: every endpoint the server maps (API, registry, UI pages, health,
/// metrics, the token endpoint) declares exactly one access policy, only the endpoints listed here are public, and an
/// anonymous request to every other endpoint is refused.
/// </summary>
public sealed class EndpointAccessTests(WharfFactory factory, ITestOutputHelper output) : IClassFixture<WharfFactory>
{
    /// <summary>The only endpoints anyone may call. Adding one here is a security decision; say why in its AllowPublic.</summary>
    private static readonly string[] PublicRoutes = ["/_framework/opaque-redirect", "/auth/token", "/healthz/live", "/healthz/ready", "/login", "/not-found"];

    [Fact]
    public void EveryEndpoint_DeclaresExactlyOneAccessPolicy()
    {
        var endpoints = Endpoints();
        foreach (var endpoint in endpoints)
        {
            output.WriteLine($"{Describe(endpoint)} -> {string.Join(" | ", endpoint.Metadata.GetOrderedMetadata<EndpointAccess>().Select(a => a.Describe()))}");
        }

        var undeclared = endpoints.Where(e => e.Metadata.GetOrderedMetadata<EndpointAccess>().Count != 1).Select(Describe).ToList();

        Assert.True(endpoints.Count > 10, $"only {endpoints.Count} endpoints found; is the endpoint table read correctly?");
        Assert.True(undeclared.Count == 0, $"endpoints without exactly one access policy:\n{string.Join('\n', undeclared)}");
    }

    [Fact]
    public void PublicEndpoints_AreExactlyTheDeclaredSet()
    {
        var open = Endpoints()
            .Where(e => e.Metadata.GetMetadata<EndpointAccess>() is PublicAccess)
            .Select(e => "/" + e.RoutePattern.RawText!.Trim('/'))
            .Distinct(StringComparer.Ordinal)
            .Order(StringComparer.Ordinal)
            .ToList();

        Assert.Equal(PublicRoutes.Order(StringComparer.Ordinal), open);
    }

    [Fact]
    public async Task AnonymousRequest_EveryNonPublicEndpoint_IsRefused()
    {
        using var client = factory.CreateAnonymousClient();
        var checkedCount = 0;
        foreach (var endpoint in Endpoints().Where(e => e.Metadata.GetMetadata<EndpointAccess>() is not PublicAccess))
        {
            var path = SamplePath(endpoint.RoutePattern);
            // The registry answers an unsupported method (POST /v2/) with 405 before asking who is calling; that
            // reveals nothing, so only the methods it serves there are checked.
            var methods = endpoint.Metadata.GetMetadata<EndpointAccess>() is RegistryProtocolAccess
                ? ["GET"]
                : endpoint.Metadata.GetMetadata<HttpMethodMetadata>()?.HttpMethods ?? ["GET"];
            foreach (var method in methods)
            {
                using var request = new HttpRequestMessage(new HttpMethod(method), path);
                using var response = await client.SendAsync(request);
                checkedCount++;

                var refused = response.StatusCode == HttpStatusCode.Unauthorized
                    || (response.StatusCode == HttpStatusCode.Redirect && response.Headers.Location?.OriginalString.StartsWith("/login?returnUrl=", StringComparison.Ordinal) == true)
                    // Antiforgery refuses a UI form post before it reaches the page; it is still a refusal.
                    || (response.StatusCode == HttpStatusCode.BadRequest && method == "POST" && !path.StartsWith("/api", StringComparison.Ordinal) && !path.StartsWith("/v2", StringComparison.Ordinal));
                Assert.True(refused, $"{method} {path} ({Describe(endpoint)}) answered {(int)response.StatusCode} to an anonymous caller");
            }
        }

        Assert.True(checkedCount > 10, $"only {checkedCount} requests were checked");
    }

    [Fact]
    public async Task AnonymousRegistryRequest_GetsTheBearerChallenge()
    {
        using var client = factory.CreateAnonymousClient();

        using var response = await client.GetAsync("/v2/ml/model/tags/list");

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        var challenge = response.Headers.WwwAuthenticate.Single();
        Assert.Equal("Bearer", challenge.Scheme);
        Assert.Contains("realm=\"http://localhost/auth/token\"", challenge.Parameter, StringComparison.Ordinal);
        Assert.Contains("scope=\"repository:ml/model:pull\"", challenge.Parameter, StringComparison.Ordinal);
    }

    [Fact]
    public async Task ExternalUrl_SetsTheRealmOfTheChallenge()
    {
        using var configured = new WharfFactory();
        configured.Settings["Wharf:ExternalUrl"] = "https://wharf.example.com/";
        using var client = configured.CreateAnonymousClient();

        using var response = await client.GetAsync("/v2/");

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        Assert.Contains("realm=\"https://wharf.example.com/auth/token\"", response.Headers.WwwAuthenticate.Single().Parameter, StringComparison.Ordinal);
    }

    private List<RouteEndpoint> Endpoints() =>
        [.. factory.Services.GetRequiredService<EndpointDataSource>().Endpoints.OfType<RouteEndpoint>()];

    private static string Describe(RouteEndpoint endpoint)
    {
        var methods = endpoint.Metadata.GetMetadata<HttpMethodMetadata>()?.HttpMethods ?? ["*"];
        return $"{string.Join(',', methods)} /{endpoint.RoutePattern.RawText?.TrimStart('/')} ({endpoint.DisplayName})";
    }

    /// <summary>A concrete path for a route pattern: parameters become plausible values (a repository for catch-alls).</summary>
    private static string SamplePath(RoutePattern pattern)
    {
        var segments = pattern.PathSegments.Select(segment => string.Concat(segment.Parts.Select(part => part switch
        {
            RoutePatternLiteralPart literal => literal.Content,
            RoutePatternParameterPart { IsCatchAll: true } => "ml/model/tags/list",
            RoutePatternParameterPart => "1",
            RoutePatternSeparatorPart separator => separator.Content,
            _ => "",
        })));
        return "/" + string.Join('/', segments);
    }
}
