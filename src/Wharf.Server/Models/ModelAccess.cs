using Microsoft.EntityFrameworkCore;
using Wharf.Server.Auth;
using Wharf.Server.Data;
using Wharf.Server.Tracking;

namespace Wharf.Server.Models;

/// <summary>
/// How MLflow's project-less model registry API meets Wharf's projects, as <see cref="TrackingAccess"/> does for
/// experiments: every registered model belongs to one project and every call on an existing model is authorized from
/// the stored model's project (<see cref="ModelLocators"/>). Only registered-models/create names no stored object: the
/// model goes into the caller's only project with <c>models:write</c>, else into the project named by a
/// <c>&lt;project&gt;/&lt;model&gt;</c> name where the caller has <c>models:write</c>.
/// </summary>
internal static class ModelAccess
{
    /// <summary>The ids of the projects whose models the caller may read; null for every project.</summary>
    public static Task<List<long>?> ReadableProjectIdsAsync(WharfDbContext db, AuthPrincipal principal, CancellationToken cancellationToken = default) =>
        TrackingAccess.ProjectIdsWithAsync(db, principal, Scope.ModelsRead, cancellationToken);

    /// <summary>The caller's only project with models:read, or null.</summary>
    public static string? OnlyReadableProject(AuthPrincipal principal) => TrackingAccess.OnlyProject(principal, Scope.ModelsRead);

    /// <summary>The project a new model goes into (see the class remarks); the stored name is the bare one.</summary>
    public static string ProjectForNewModel(AuthPrincipal principal, ModelNames.Addressed name)
    {
        if (name.Project is { } prefix)
        {
            return (principal.ScopesIn(prefix) & Scope.ModelsWrite) == Scope.ModelsWrite
                ? prefix
                : principal.ScopesIn(prefix) != Scope.None
                    ? throw MlflowException.Denied($"needs models:write on project '{prefix}'")
                    : throw MlflowException.Invalid($"No project '{prefix}' that this token can write models to.");
        }

        if (TrackingAccess.OnlyProject(principal, Scope.ModelsWrite) is { } only)
        {
            return only;
        }

        var writable = principal.Projects.Where(p => (p.Value & Scope.ModelsWrite) == Scope.ModelsWrite).Select(p => p.Key).Order(StringComparer.Ordinal).Take(10).ToList();
        throw MlflowException.Invalid(
            $"Cannot tell which project model '{name.Name}' belongs to: this token can write models to " +
            (writable.Count == 0 && (principal.EveryProject & Scope.ModelsWrite) == 0 ? "no project" : "several projects") +
            ". Name it '<project>/<model>'" + (writable.Count > 0 ? $" with one of: {string.Join(", ", writable)}" : "") +
            ", or use a token of a single project.");
    }

    /// <summary>
    /// The (project, model id) pairs a name may mean to this caller: the qualified project's model, or a bare name's
    /// model in any project the caller holds some scope in.
    /// </summary>
    public static async Task<List<(string Project, long Id)>> CandidatesAsync(WharfDbContext db, AuthPrincipal principal, ModelNames.Addressed name, CancellationToken cancellationToken = default)
    {
        var query =
            from m in db.RegisteredModels
            join p in db.Projects on m.ProjectId equals p.Id
            where m.Name == name.Name
            select new { Project = p.Name, m.Id };
        if (name.Project is { } project)
        {
            query = query.Where(x => x.Project == project);
        }
        else if (principal.EveryProject == Scope.None)
        {
            var projects = principal.Projects.Where(p => p.Value != Scope.None).Select(p => p.Key).ToList();
            query = query.Where(x => projects.Contains(x.Project));
        }

        var rows = await query.Take(10).ToListAsync(cancellationToken);
        return [.. rows.Select(r => (r.Project, r.Id))];
    }
}
