using Wharf.Server.Registry;

namespace Wharf.Server.Auth;

/// <summary>
/// What a <c>/v2/</c> caller presented, resolved once per request: a verified registry JWT (its <c>access</c> claim by
/// repository), or a token principal (Basic with a PAT), or nothing usable.
/// </summary>
internal sealed record RegistryCaller(IReadOnlyDictionary<string, RegistryActions>? JwtAccess, AuthPrincipal? Principal)
{
    public static RegistryCaller Anonymous { get; } = new(null, null);

    /// <summary>The <c>sub</c> of a verified registry JWT, for the audit log.</summary>
    public string? JwtSubject { get; init; }

    public bool IsAuthenticated => JwtAccess is not null || Principal is not null;

    public RegistryActions ActionsOn(RepositoryName repository)
    {
        if (JwtAccess is not null)
        {
            return JwtAccess.TryGetValue(repository.Value, out var granted) ? granted : RegistryActions.None;
        }

        if (Principal is null)
        {
            return RegistryActions.None;
        }

        var scopes = Principal.ScopesIn(repository.Project);
        return (scopes.HasFlag(Scope.RegistryPull) ? RegistryActions.Pull : 0)
            | (scopes.HasFlag(Scope.RegistryPush) ? RegistryActions.Push : 0)
            | (scopes.HasFlag(Scope.RegistryDelete) ? RegistryActions.Delete : 0);
    }
}
