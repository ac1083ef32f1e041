using System.Diagnostics.CodeAnalysis;

namespace Wharf.Server.Auth;

/// <summary>The scope sets of the roles; each role includes the one below it.</summary>
internal static class ProjectRoles
{
    public const Scope Viewer =
        Scope.RegistryPull | Scope.TrackingRead | Scope.ModelsRead | Scope.JobsRead | Scope.ServingRead;

    public const Scope Developer =
        Viewer | Scope.RegistryPush | Scope.TrackingWrite | Scope.ModelsWrite | Scope.JobsRun | Scope.JobsCancel | Scope.ServingInvoke;

    public const Scope Maintainer = Developer | Scope.RegistryDelete | Scope.ModelsPromote | Scope.ServingDeploy;

    public const Scope Owner = Maintainer | Scope.ProjectAdmin;

    public static Scope ScopesOf(ProjectRole role) => role switch
    {
        ProjectRole.Viewer => Viewer,
        ProjectRole.Developer => Developer,
        ProjectRole.Maintainer => Maintainer,
        ProjectRole.Owner => Owner,
        // An unknown stored value grants nothing rather than failing open.
        _ => Scope.None,
    };

    /// <summary>The wire names of the roles, lowest first.</summary>
    public static IReadOnlyList<string> Names { get; } = ["viewer", "developer", "maintainer", "owner"];

    /// <summary>Parses a role's wire name exactly (lower case, no aliases).</summary>
    public static bool TryParse([NotNullWhen(true)] string? value, out ProjectRole role)
    {
        role = value switch
        {
            "viewer" => ProjectRole.Viewer,
            "developer" => ProjectRole.Developer,
            "maintainer" => ProjectRole.Maintainer,
            "owner" => ProjectRole.Owner,
            _ => default,
        };
        return role != default;
    }

    public static string NameOf(ProjectRole role) => role switch
    {
        ProjectRole.Viewer => "viewer",
        ProjectRole.Developer => "developer",
        ProjectRole.Maintainer => "maintainer",
        ProjectRole.Owner => "owner",
        _ => "unknown",
    };
}
