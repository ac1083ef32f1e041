namespace Wharf.Server.Auth;

/// <summary>Declares an endpoint's <see cref="EndpointAccess"/>: every mapped endpoint calls exactly one of these.</summary>
internal static class EndpointAccessExtensions
{
    /// <summary>Open to anyone; <paramref name="reason"/> says why it must be (it shows in the endpoint listing).</summary>
    public static TBuilder AllowPublic<TBuilder>(this TBuilder builder, string reason) where TBuilder : IEndpointConventionBuilder
        => builder.WithMetadata(new PublicAccess(reason));

    /// <summary>Any valid principal; the endpoint filters its results by the caller's projects.</summary>
    public static TBuilder RequireSignedIn<TBuilder>(this TBuilder builder) where TBuilder : IEndpointConventionBuilder
        => builder.WithMetadata(new SignedInAccess());

    /// <summary>Server administrators only.</summary>
    public static TBuilder RequireAdmin<TBuilder>(this TBuilder builder) where TBuilder : IEndpointConventionBuilder
        => builder.WithMetadata(new AdminAccess());

    /// <summary><paramref name="scope"/> (all of its flags) on the project <paramref name="locator"/> finds.</summary>
    public static TBuilder RequireProjectScope<TBuilder>(this TBuilder builder, Scope scope, IProjectLocator locator) where TBuilder : IEndpointConventionBuilder
        => builder.WithMetadata(new ProjectScopeAccess(scope, locator));

    /// <summary>Any role (any scope) on the project <paramref name="locator"/> finds: reading the project itself.</summary>
    public static TBuilder RequireProjectMember<TBuilder>(this TBuilder builder, IProjectLocator locator) where TBuilder : IEndpointConventionBuilder
        => builder.WithMetadata(new ProjectMemberAccess(locator));

    /// <summary>The registry protocol: handlers authorize per repository through <c>IRegistryAuthorizer</c>.</summary>
    public static TBuilder UseRegistryProtocolAccess<TBuilder>(this TBuilder builder) where TBuilder : IEndpointConventionBuilder
        => builder.WithMetadata(new RegistryProtocolAccess());

    /// <summary>Enforces every endpoint's access policy; goes after routing and before antiforgery and the endpoints.</summary>
    public static IApplicationBuilder UseEndpointAccess(this IApplicationBuilder app) => app.UseMiddleware<EndpointAccessMiddleware>();
}
