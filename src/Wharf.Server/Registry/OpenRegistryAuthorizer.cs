namespace Wharf.Server.Registry;

/// <summary>
/// Allows everything. The default only until the projects-and-tokens feature registers its authorizer; the server
/// binds to loopback by default, so nothing is exposed beyond this machine in the meantime.
/// </summary>
internal sealed class OpenRegistryAuthorizer : IRegistryAuthorizer
{
    public ValueTask<IResult?> AuthorizeAsync(HttpContext context, RepositoryName? repository, RegistryActions actions, CancellationToken cancellationToken = default)
        => ValueTask.FromResult<IResult?>(null);

    public ValueTask<bool> CanListAsync(HttpContext context, string repository, CancellationToken cancellationToken = default)
        => ValueTask.FromResult(true);
}
