using Microsoft.EntityFrameworkCore;
using Wharf.Server.Auth;
using Wharf.Server.Data;

namespace Wharf.Server.Tracking;

/// <summary>
/// Project locators for the MLflow routes: they read <c>experiment_id</c> or <c>run_id</c>/<c>run_uuid</c> from the
/// body or query (parsed once, kept for the handler) and answer with the project of the STORED experiment or run. An
/// id that names nothing is <see cref="ProjectLookup.Missing"/>: the handler answers RESOURCE_DOES_NOT_EXIST itself. A
/// request that cannot be parsed is also passed on as missing; the handler meets the same parse error and reports it.
/// </summary>
internal static class TrackingLocators
{
    public static IProjectLocator Experiment(Scope scope) => ProjectLocators.Stored("the stored experiment of 'experiment_id'", async (context, cancellationToken) =>
    {
        if (await TryReadAsync(context, cancellationToken) is not { } request)
        {
            return ProjectLookup.Missing;
        }

        var id = request.String("experiment_id");
        if (id == TrackingAccess.DefaultExperimentAlias)
        {
            var caller = Caller.Get(context);
            var project = TrackingAccess.OnlyProject(caller, scope);
            return project is null
                ? ProjectLookup.Invalid("experiment id 0 (the default experiment) needs a token of exactly one project; set an experiment instead")
                : ProjectLookup.Found(project);
        }

        return await ProjectOfExperimentAsync(context, id, cancellationToken);
    });

    public static IProjectLocator Run() => ProjectLocators.Stored("the stored run of 'run_id' (or 'run_uuid')", async (context, cancellationToken) =>
    {
        if (await TryReadAsync(context, cancellationToken) is not { } request || request.RunId is not { } runId || !RunIds.IsValid(runId))
        {
            return ProjectLookup.Missing;
        }

        var db = context.RequestServices.GetRequiredService<WharfDbContext>();
        var project = await (
            from r in db.Runs
            join e in db.Experiments on r.ExperimentId equals e.Id
            join p in db.Projects on e.ProjectId equals p.Id
            where r.RunUuid == runId
            select p.Name).FirstOrDefaultAsync(cancellationToken);
        return project is null ? ProjectLookup.Missing : ProjectLookup.Found(project);
    });

    /// <summary>
    /// The artifact proxy: the project of the stored run named by the path's <c>&lt;experiment&gt;/&lt;run&gt;</c>, which
    /// must belong to that experiment (else missing: the handler answers RESOURCE_DOES_NOT_EXIST). A malformed or hostile
    /// path is refused here, before any lookup.
    /// </summary>
    public static IProjectLocator Artifact() => ProjectLocators.Stored("the stored run named in the artifact path", async (context, cancellationToken) =>
    {
        if (!ArtifactPaths.TryParseProxy(context, ArtifactPaths.RawOf(context), out var path, out var error))
        {
            return ProjectLookup.Invalid(error!);
        }

        var db = context.RequestServices.GetRequiredService<WharfDbContext>();
        var project = await (
            from r in db.Runs
            join e in db.Experiments on r.ExperimentId equals e.Id
            join p in db.Projects on e.ProjectId equals p.Id
            where r.RunUuid == path.RunId && r.ExperimentId == path.ExperimentId
            select p.Name).FirstOrDefaultAsync(cancellationToken);
        return project is null ? ProjectLookup.Missing : ProjectLookup.Found(project);
    });

    private static async Task<ProjectLookup> ProjectOfExperimentAsync(HttpContext context, string? id, CancellationToken cancellationToken)
    {
        if (!long.TryParse(id, System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var experimentId))
        {
            return ProjectLookup.Missing;
        }

        var db = context.RequestServices.GetRequiredService<WharfDbContext>();
        var project = await (
            from e in db.Experiments
            join p in db.Projects on e.ProjectId equals p.Id
            where e.Id == experimentId
            select p.Name).FirstOrDefaultAsync(cancellationToken);
        return project is null ? ProjectLookup.Missing : ProjectLookup.Found(project);
    }

    private static async Task<MlflowRequest?> TryReadAsync(HttpContext context, CancellationToken cancellationToken)
    {
        try
        {
            return await MlflowRequest.ReadAsync(context, cancellationToken);
        }
        catch (MlflowException)
        {
            return null;
        }
    }
}
