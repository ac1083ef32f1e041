namespace Wharf.Server.Auth;

/// <summary>
/// Endpoint metadata that says who may call an endpoint. Every endpoint carries exactly one (a test walks the
/// endpoint data source and fails on any without); <see cref="EndpointAccessMiddleware"/> enforces it and refuses an
/// endpoint that has none. Minimal-API endpoints get it from the builder methods in
/// <see cref="EndpointAccessExtensions"/>; Razor pages carry it as an attribute (<c>@attribute [SignedInAccess]</c>).
/// </summary>
/// <remarks>
/// The kinds, from most open to most closed:
/// <list type="bullet">
/// <item><see cref="PublicAccess"/>: anyone, with a reason (liveness, the token endpoint, the login page).</item>
/// <item><see cref="RegistryProtocolAccess"/>: <c>/v2/</c>; each handler asks <c>IRegistryAuthorizer</c> with the
/// repository and actions it needs, because only the handler knows them and the answer must be the registry's own
/// Bearer challenge.</item>
/// <item><see cref="SignedInAccess"/>: any valid principal; what it returns is filtered by membership in SQL.</item>
/// <item><see cref="ProjectScopeAccess"/>: a scope on the project of the object addressed, resolved from the stored
/// object (or from a name whose first segment is the project) by an <see cref="IProjectLocator"/>.</item>
/// <item><see cref="AdminAccess"/>: server administrators only (garbage collection, fsck, metrics).</item>
/// </list>
/// </remarks>
[AttributeUsage(AttributeTargets.Class | AttributeTargets.Method, AllowMultiple = false, Inherited = false)]
internal abstract class EndpointAccess : Attribute
{
    /// <summary>A short description for listings and failure messages, e.g. <c>registry:pull on project of ?repository</c>.</summary>
    public abstract string Describe();
}
