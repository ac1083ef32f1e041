namespace Wharf.Server.Registry;

/// <summary>
/// The registry's authorization hook. Every <c>/v2/</c> handler asks it before touching a repository, naming the
/// repository (whose first component is the project) and the actions the request needs; <c>_catalog</c> asks it to
/// filter the names it lists. The projects-and-tokens feature replaces the default implementation: the handlers do
/// not change.
/// </summary>
internal interface IRegistryAuthorizer
{
    /// <summary>
    /// Decides whether the caller may perform <paramref name="actions"/> on <paramref name="repository"/> (null for
    /// the base endpoint and the catalog). A refusal is a ready-made error result (401 with a challenge, or 403).
    /// </summary>
    ValueTask<IResult?> AuthorizeAsync(HttpContext context, RepositoryName? repository, RegistryActions actions, CancellationToken cancellationToken = default);

    /// <summary>Whether the caller may see <paramref name="repository"/> in <c>_catalog</c>.</summary>
    ValueTask<bool> CanListAsync(HttpContext context, string repository, CancellationToken cancellationToken = default);
}
