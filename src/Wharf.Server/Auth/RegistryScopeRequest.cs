using Wharf.Server.Registry;

namespace Wharf.Server.Auth;

/// <summary>
/// Turns the <c>scope</c> parameters of a token request (<c>repository:&lt;name&gt;:pull,push</c>, several per request,
/// space-separated in OAuth2) into the access a principal gets. Like distribution's token server, a scope that cannot
/// be parsed or names an unknown type or action is granted nothing rather than failing the request, so the answer
/// never tells a caller more than "you got less".
/// </summary>
internal static class RegistryScopeRequest
{
    public const int MaxScopes = 32;

    public static IReadOnlyList<RegistryAccess> Grant(IEnumerable<string?> scopeParameters, AuthPrincipal principal)
    {
        var granted = new Dictionary<string, SortedSet<string>>(StringComparer.Ordinal);
        var seen = 0;
        foreach (var parameter in scopeParameters)
        {
            foreach (var scope in (parameter ?? "").Split(' ', StringSplitOptions.RemoveEmptyEntries))
            {
                if (++seen > MaxScopes)
                {
                    break;
                }

                if (!TryParse(scope, out var repository, out var actions))
                {
                    continue;
                }

                var allowed = principal.ScopesIn(repository.Project);
                foreach (var action in actions)
                {
                    if (ScopeFor(action) is { } needed && (allowed & needed) == needed)
                    {
                        if (!granted.TryGetValue(repository.Value, out var set))
                        {
                            granted[repository.Value] = set = new SortedSet<string>(StringComparer.Ordinal);
                        }

                        set.Add(action);
                    }
                }
            }
        }

        return [.. granted.Select(g => new RegistryAccess("repository", g.Key, [.. g.Value]))];
    }

    /// <summary>Parses <c>repository:&lt;name&gt;:&lt;actions&gt;</c>; exactly two colons, a valid name, known type.</summary>
    public static bool TryParse(string scope, out RepositoryName repository, out IReadOnlyList<string> actions)
    {
        repository = default;
        actions = [];
        var parts = scope.Split(':');
        if (parts.Length != 3 || !string.Equals(parts[0], "repository", StringComparison.Ordinal)
            || !RepositoryName.TryParse(parts[1], out repository, out _))
        {
            return false;
        }

        actions = parts[2].Split(',', StringSplitOptions.RemoveEmptyEntries);
        return actions.Count > 0;
    }

    // "*" is deliberately absent: a wildcard is never granted, callers must name the actions they need.
    private static Scope? ScopeFor(string action) => action switch
    {
        "pull" => Scope.RegistryPull,
        "push" => Scope.RegistryPush,
        "delete" => Scope.RegistryDelete,
        _ => null,
    };
}
