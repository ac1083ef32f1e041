namespace Wharf.Server.Registry;

/// <summary>
/// The registry's authorization hook. Every <c>/v2/</c> handler asks it before touching a repository, naming the
/// repository (whose first component is the project) and the actions the request needs; <c>_catalog</c> asks it for
/// the filter of the names it lists. The implementation is the auth feature's <c>TokenRegistryAuthorizer</c>.
/// </summary>
internal interface IRegistryAuthorizer
{
    /// <summary>
    /// Decides whether the caller may perform <paramref name="actions"/> on <paramref name="repository"/> (null for
    /// the base endpoint and the catalog). A refusal is a ready-made error result (401 with a challenge, or 403).
    /// </summary>
    ValueTask<IResult?> AuthorizeAsync(HttpContext context, RepositoryName? repository, RegistryActions actions, CancellationToken cancellationToken = default);

    /// <summary>The repositories the caller may see in <c>_catalog</c>, as a filter for the database query.</summary>
    ValueTask<RepositoryVisibility> VisibleRepositoriesAsync(HttpContext context, CancellationToken cancellationToken = default);
}
