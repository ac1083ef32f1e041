using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;
using Wharf.Server.Auth;
using Wharf.Server.Tests.Infrastructure;

namespace Wharf.Server.Tests.Auth;

/// <summary>The admin API's endpoints each declare the access the issue asks for.</summary>
public sealed class AdminEndpointPolicyTests(WharfFactory factory) : IClassFixture<WharfFactory>
{
    [Theory]
    [InlineData("GET", "/api/v1/projects", typeof(SignedInAccess))]
    [InlineData("POST", "/api/v1/projects", typeof(SignedInAccess))]
    [InlineData("GET", "/api/v1/projects/{project}", typeof(ProjectMemberAccess))]
    [InlineData("DELETE", "/api/v1/projects/{project}", typeof(ProjectScopeAccess))]
    [InlineData("GET", "/api/v1/projects/{project}/members", typeof(ProjectMemberAccess))]
    [InlineData("PUT", "/api/v1/projects/{project}/members/{username}", typeof(ProjectScopeAccess))]
    [InlineData("DELETE", "/api/v1/projects/{project}/members/{username}", typeof(ProjectScopeAccess))]
    [InlineData("GET", "/api/v1/projects/{project}/service-accounts", typeof(ProjectScopeAccess))]
    [InlineData("POST", "/api/v1/projects/{project}/service-accounts", typeof(ProjectScopeAccess))]
    [InlineData("DELETE", "/api/v1/projects/{project}/service-accounts/{name}", typeof(ProjectScopeAccess))]
    [InlineData("POST", "/api/v1/projects/{project}/service-accounts/{name}/tokens", typeof(ProjectScopeAccess))]
    [InlineData("GET", "/api/v1/tokens", typeof(SignedInAccess))]
    [InlineData("POST", "/api/v1/tokens", typeof(SignedInAccess))]
    [InlineData("DELETE", "/api/v1/tokens/{id:long}", typeof(SignedInAccess))]
    [InlineData("GET", "/api/v1/users", typeof(AdminAccess))]
    [InlineData("POST", "/api/v1/users", typeof(AdminAccess))]
    [InlineData("PATCH", "/api/v1/users/{username}", typeof(AdminAccess))]
    [InlineData("GET", "/api/v1/audit", typeof(AdminAccess))]
    public void Endpoint_DeclaresExpectedAccess(string method, string pattern, Type expected)
    {
        var endpoints = factory.Services.GetRequiredService<EndpointDataSource>().Endpoints.OfType<RouteEndpoint>();

        var endpoint = Assert.Single(endpoints, e =>
            string.Equals(e.RoutePattern.RawText?.TrimEnd('/'), pattern, StringComparison.Ordinal)
            && e.Metadata.GetMetadata<IHttpMethodMetadata>()?.HttpMethods.Contains(method) == true);
        var access = endpoint.Metadata.GetMetadata<EndpointAccess>();
        Assert.IsType(expected, access);
        if (access is ProjectScopeAccess scoped)
        {
            Assert.Equal(Scope.ProjectAdmin, scoped.Scope);
        }
    }
}
