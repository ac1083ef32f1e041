using Microsoft.EntityFrameworkCore;
using Wharf.Server.Auth;
using Wharf.Server.Data;

namespace Wharf.Server.Tracking;

/// <summary>
/// How MLflow's project-less API meets Wharf's projects. Every experiment belongs to one project; every call on an
/// existing experiment or run is authorized from the stored object's project (see <see cref="TrackingLocators"/>).
/// Two calls name no stored object and choose a project from the caller instead:
/// <list type="bullet">
/// <item><b>experiments/create</b>: the caller's only project, when its token carries <c>tracking:write</c> on exactly
/// one project (and not on every project, as an administrator's does); otherwise the project named by the experiment
/// name's first segment, <c>&lt;project&gt;/&lt;experiment&gt;</c>, where the caller has <c>tracking:write</c>;
/// otherwise INVALID_PARAMETER_VALUE naming the caller's projects. The name is stored as given.</item>
/// <item><b>experiment id "0"</b>, MLflow's "Default" experiment that clients use when none is set: an alias for the
/// experiment named "Default" of the caller's only project (as above, with the scope the call needs), created on first
/// use by a caller that may write there (a reader before that finds no experiment 0). A caller with several projects
/// gets INVALID_PARAMETER_VALUE asking it to set an experiment.</item>
/// </list>
/// </summary>
internal static class TrackingAccess
{
    public const string DefaultExperimentName = "Default";
    public const string DefaultExperimentAlias = "0";

    /// <summary>The ids of the projects whose experiments the caller may read; null for every project.</summary>
    public static Task<List<long>?> ReadableProjectIdsAsync(WharfDbContext db, AuthPrincipal principal, CancellationToken cancellationToken = default) =>
        ProjectIdsWithAsync(db, principal, Scope.TrackingRead, cancellationToken);

    /// <summary>The ids of the projects where the caller has <paramref name="scope"/>; null for every project.</summary>
    public static async Task<List<long>?> ProjectIdsWithAsync(WharfDbContext db, AuthPrincipal principal, Scope scope, CancellationToken cancellationToken = default)
    {
        if ((principal.EveryProject & scope) == scope)
        {
            return null;
        }

        var names = principal.Projects.Where(p => (p.Value & scope) == scope).Select(p => p.Key).ToList();
        return names.Count == 0 ? [] : await db.Projects.Where(p => names.Contains(p.Name)).Select(p => p.Id).ToListAsync(cancellationToken);
    }

    /// <summary>The caller's only project with <paramref name="scope"/>, or null when it has none, several, or all.</summary>
    public static string? OnlyProject(AuthPrincipal principal, Scope scope)
    {
        if ((principal.EveryProject & scope) == scope)
        {
            return null;
        }

        var projects = principal.Projects.Where(p => (p.Value & scope) == scope).Select(p => p.Key).Take(2).ToList();
        return projects.Count == 1 ? projects[0] : null;
    }

    /// <summary>The project of experiment alias "0" for a call needing <paramref name="scope"/>; throws when there is none.</summary>
    public static string DefaultExperimentProject(AuthPrincipal principal, Scope scope) =>
        OnlyProject(principal, scope) ?? throw MlflowException.Invalid(
            "Experiment id 0 (the default experiment) stands for the 'Default' experiment of the caller's project, and " +
            "this token has access to more than one project. Set an experiment (mlflow.set_experiment('<project>/<name>')) " +
            "or use a token of one project.");

    /// <summary>The project a new experiment named <paramref name="name"/> goes into (see the class remarks).</summary>
    public static string ProjectForNewExperiment(AuthPrincipal principal, string name)
    {
        if (OnlyProject(principal, Scope.TrackingWrite) is { } only)
        {
            return only;
        }

        var slash = name.IndexOf('/', StringComparison.Ordinal);
        if (slash > 0 && name[..slash] is var prefix && Project.IsValidName(prefix))
        {
            if ((principal.ScopesIn(prefix) & Scope.TrackingWrite) == Scope.TrackingWrite)
            {
                return prefix;
            }

            if (principal.ScopesIn(prefix) != Scope.None)
            {
                throw MlflowException.Denied($"needs tracking:write on project '{prefix}'");
            }
        }

        var writable = principal.Projects.Where(p => (p.Value & Scope.TrackingWrite) == Scope.TrackingWrite).Select(p => p.Key).Order(StringComparer.Ordinal).Take(10).ToList();
        throw MlflowException.Invalid(
            $"Cannot tell which project experiment '{MlflowRequest.Clip(name)}' belongs to: this token can write to " +
            (writable.Count == 0 && (principal.EveryProject & Scope.TrackingWrite) == 0 ? "no project" : "several projects") +
            ". Name it '<project>/<experiment>'" + (writable.Count > 0 ? $" with one of: {string.Join(", ", writable)}" : "") +
            ", or use a token of a single project.");
    }
}
