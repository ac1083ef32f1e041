using System.Diagnostics.CodeAnalysis;

namespace Wharf.Server.Auth;

/// <summary>The wire names of <see cref="Scope"/> (<c>registry:pull</c>, ...) and their strict parser.</summary>
internal static class Scopes
{
    /// <summary>Every known scope, in a stable order, with its wire name.</summary>
    public static IReadOnlyList<(Scope Scope, string Name)> Known { get; } =
    [
        (Scope.RegistryPull, "registry:pull"),
        (Scope.RegistryPush, "registry:push"),
        (Scope.RegistryDelete, "registry:delete"),
        (Scope.TrackingRead, "tracking:read"),
        (Scope.TrackingWrite, "tracking:write"),
        (Scope.ModelsRead, "models:read"),
        (Scope.ModelsWrite, "models:write"),
        (Scope.ModelsPromote, "models:promote"),
        (Scope.JobsRead, "jobs:read"),
        (Scope.JobsRun, "jobs:run"),
        (Scope.JobsCancel, "jobs:cancel"),
        (Scope.ServingRead, "serving:read"),
        (Scope.ServingDeploy, "serving:deploy"),
        (Scope.ServingInvoke, "serving:invoke"),
        (Scope.ProjectAdmin, "project:admin"),
    ];

    public static Scope All { get; } = Known.Aggregate(Scope.None, (all, known) => all | known.Scope);

    private static readonly Dictionary<string, Scope> ByName =
        Known.ToDictionary(k => k.Name, k => k.Scope, StringComparer.Ordinal);

    /// <summary>
    /// Parses exactly one known scope name. Matching is an exact, case-sensitive lookup in the known set, so
    /// wildcards (<c>registry:*</c>), extra colons (<c>registry:pull:x</c>) and near-misses are all rejected.
    /// </summary>
    public static bool TryParse([NotNullWhen(true)] string? value, out Scope scope)
    {
        scope = Scope.None;
        return value is not null && ByName.TryGetValue(value, out scope);
    }

    /// <summary>Parses a list of scope names; any unknown name fails the whole list and is reported.</summary>
    public static bool TryParse(IEnumerable<string> values, out Scope scopes, [NotNullWhen(false)] out string? invalid)
    {
        scopes = Scope.None;
        foreach (var value in values)
        {
            if (!TryParse(value, out var scope))
            {
                invalid = value;
                return false;
            }

            scopes |= scope;
        }

        invalid = null;
        return true;
    }

    /// <summary>The wire names of the scopes set in <paramref name="scopes"/>, in <see cref="Known"/> order.</summary>
    public static IReadOnlyList<string> Names(Scope scopes) =>
        [.. Known.Where(k => (scopes & k.Scope) == k.Scope).Select(k => k.Name)];
}
