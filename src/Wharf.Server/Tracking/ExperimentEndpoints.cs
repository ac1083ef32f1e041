using Wharf.Server.Auth;
using Wharf.Server.Data;

namespace Wharf.Server.Tracking;

/// <summary>MLflow's experiment endpoints (service.proto: CreateExperiment ... SetExperimentTag).</summary>
internal static class ExperimentEndpoints
{
    public static RouteGroupBuilder MapExperiments(this RouteGroupBuilder group)
    {
        group.MapPost("/experiments/create", CreateAsync).RequireSignedIn();
        group.MapGet("/experiments/get", GetAsync).RequireProjectScope(Scope.TrackingRead, TrackingLocators.Experiment(Scope.TrackingRead));
        group.MapGet("/experiments/get-by-name", GetByNameAsync).RequireSignedIn();
        group.MapPost("/experiments/search", SearchAsync).RequireSignedIn();
        group.MapGet("/experiments/search", SearchAsync).RequireSignedIn();
        group.MapPost("/experiments/update", UpdateAsync).RequireProjectScope(Scope.TrackingWrite, TrackingLocators.Experiment(Scope.TrackingWrite));
        group.MapPost("/experiments/delete", DeleteAsync).RequireProjectScope(Scope.TrackingWrite, TrackingLocators.Experiment(Scope.TrackingWrite));
        group.MapPost("/experiments/restore", RestoreAsync).RequireProjectScope(Scope.TrackingWrite, TrackingLocators.Experiment(Scope.TrackingWrite));
        group.MapPost("/experiments/set-experiment-tag", SetTagAsync).RequireProjectScope(Scope.TrackingWrite, TrackingLocators.Experiment(Scope.TrackingWrite));
        return group;
    }

    internal static async Task<IResult> CreateAsync(HttpContext context, TrackingStore store, CancellationToken cancellationToken)
    {
        var request = await MlflowRequest.ReadAsync(context, cancellationToken);
        var name = ValidName(request.RequireString("name"));
        var tags = Pairs(request, "tags", "tag");
        var project = TrackingAccess.ProjectForNewExperiment(Caller.Get(context), name);
        var id = await store.CreateExperimentAsync(project, name, tags, cancellationToken);
        return MlflowResult.Ok(w => w.WriteString("experiment_id", MlflowJson.Id(id)));
    }

    internal static async Task<IResult> GetAsync(HttpContext context, TrackingStore store, CancellationToken cancellationToken)
    {
        var request = await MlflowRequest.ReadAsync(context, cancellationToken);
        var id = await ExperimentIdAsync(context, request, store, Scope.TrackingRead, cancellationToken);
        var experiment = await store.GetExperimentAsync(MlflowJson.Id(id), cancellationToken);
        return MlflowResult.Ok(w =>
        {
            w.WritePropertyName("experiment");
            MlflowJson.Experiment(w, experiment);
        });
    }

    internal static async Task<IResult> GetByNameAsync(HttpContext context, TrackingStore store, WharfDbContext db, CancellationToken cancellationToken)
    {
        var request = await MlflowRequest.ReadAsync(context, cancellationToken);
        var name = request.RequireString("experiment_name");
        var caller = Caller.Get(context);
        var matches = await store.FindExperimentsByNameAsync(name, await TrackingAccess.ReadableProjectIdsAsync(db, caller, cancellationToken), cancellationToken);
        if (matches.Count > 1)
        {
            // The same name in several of the caller's projects: the one whose project the name starts with wins.
            var slash = name.IndexOf('/', StringComparison.Ordinal);
            var prefixed = slash > 0 ? matches.Where(m => m.Project == name[..slash]).ToList() : [];
            matches = prefixed.Count == 1 ? prefixed
                : throw MlflowException.Invalid(
                    $"Experiment name '{MlflowRequest.Clip(name)}' exists in several projects ({string.Join(", ", matches.Select(m => m.Project))}); " +
                    "use a token of one project, or names of the form '<project>/<experiment>'.");
        }

        var match = matches.Count == 1 ? matches[0].View : throw MlflowException.NotFound($"Could not find experiment with name '{MlflowRequest.Clip(name)}'");
        return MlflowResult.Ok(w =>
        {
            w.WritePropertyName("experiment");
            MlflowJson.Experiment(w, match);
        });
    }

    internal static async Task<IResult> SearchAsync(HttpContext context, TrackingStore store, WharfDbContext db, CancellationToken cancellationToken)
    {
        var request = await MlflowRequest.ReadAsync(context, cancellationToken);
        var maxResults = TrackingValidation.MaxResults(request.Int("max_results"));
        var filter = SearchFilterParser.ParseExperimentFilter(request.String("filter"));
        var orderBy = SearchFilterParser.ParseExperimentOrderBy(request.Strings("order_by"));
        var viewType = ViewTypes.Parse(request.String("view_type"), "view_type");
        var projects = await TrackingAccess.ReadableProjectIdsAsync(db, Caller.Get(context), cancellationToken);
        var (experiments, next) = await store.SearchExperimentsAsync(projects, filter, orderBy, viewType, maxResults, request.String("page_token"), cancellationToken);
        return MlflowResult.Page("experiments", experiments, next, MlflowJson.Experiment);
    }

    internal static async Task<IResult> UpdateAsync(HttpContext context, TrackingStore store, CancellationToken cancellationToken)
    {
        var request = await MlflowRequest.ReadAsync(context, cancellationToken);
        var id = await ExperimentIdAsync(context, request, store, Scope.TrackingWrite, cancellationToken);
        if (request.String("new_name") is { Length: > 0 } newName)
        {
            await store.RenameExperimentAsync(id, ValidName(newName), cancellationToken);
        }

        return MlflowResult.Empty;
    }

    internal static async Task<IResult> DeleteAsync(HttpContext context, TrackingStore store, CancellationToken cancellationToken)
    {
        var request = await MlflowRequest.ReadAsync(context, cancellationToken);
        var id = await ExperimentIdAsync(context, request, store, Scope.TrackingWrite, cancellationToken);
        await store.SetExperimentStageAsync(id, LifecycleStage.Deleted, cancellationToken);
        return MlflowResult.Empty;
    }

    internal static async Task<IResult> RestoreAsync(HttpContext context, TrackingStore store, CancellationToken cancellationToken)
    {
        var request = await MlflowRequest.ReadAsync(context, cancellationToken);
        var id = await ExperimentIdAsync(context, request, store, Scope.TrackingWrite, cancellationToken);
        await store.SetExperimentStageAsync(id, LifecycleStage.Active, cancellationToken);
        return MlflowResult.Empty;
    }

    internal static async Task<IResult> SetTagAsync(HttpContext context, TrackingStore store, CancellationToken cancellationToken)
    {
        var request = await MlflowRequest.ReadAsync(context, cancellationToken);
        var id = await ExperimentIdAsync(context, request, store, Scope.TrackingWrite, cancellationToken);
        var key = TrackingValidation.Key(request.String("key"), "tag");
        var value = TrackingValidation.Value(request.String("value"), RunTag.MaxValueLength, "tag", key);
        await store.SetExperimentTagAsync(id, key, value, cancellationToken);
        return MlflowResult.Empty;
    }

    /// <summary>
    /// The request's <c>experiment_id</c>; "0" is the caller's project's Default experiment. The access policy has
    /// already checked <paramref name="scope"/> on the same project.
    /// </summary>
    public static async Task<long> ExperimentIdAsync(HttpContext context, MlflowRequest request, TrackingStore store, Scope scope, CancellationToken cancellationToken)
    {
        var id = request.RequireString("experiment_id");
        if (id == TrackingAccess.DefaultExperimentAlias)
        {
            return await DefaultExperimentIdAsync(context, store, scope, cancellationToken)
                ?? throw MlflowException.NotFound("No Experiment with id=0 exists: the project's Default experiment is made by the first run logged to it");
        }

        return TrackingStore.TryParseId(id) ?? throw MlflowException.NotFound($"No Experiment with id={MlflowRequest.Clip(id)} exists");
    }

    /// <summary>
    /// The id of the Default experiment of the caller's only project with <paramref name="scope"/>: created on first use
    /// by a caller that may write there, otherwise null until someone has.
    /// </summary>
    public static async Task<long?> DefaultExperimentIdAsync(HttpContext context, TrackingStore store, Scope scope, CancellationToken cancellationToken)
    {
        var caller = Caller.Get(context);
        var project = TrackingAccess.DefaultExperimentProject(caller, scope);
        return (caller.ScopesIn(project) & Scope.TrackingWrite) == Scope.TrackingWrite
            ? await store.DefaultExperimentIdAsync(project, cancellationToken)
            : await store.FindDefaultExperimentIdAsync(project, cancellationToken);
    }

    /// <summary>A repeated <c>{key, value}</c> field (tags), validated.</summary>
    public static List<(string Key, string Value)> Pairs(MlflowRequest request, string field, string what) =>
        [.. request.Objects(field).Select(o =>
        {
            var key = TrackingValidation.Key(MlflowRequest.Field(o, "key"), what);
            return (key, TrackingValidation.Value(MlflowRequest.Field(o, "value"), what == "param" ? RunParam.MaxValueLength : RunTag.MaxValueLength, what, key));
        })];

    private static string ValidName(string name) =>
        name.Length <= Experiment.MaxNameLength
            ? name
            : throw MlflowException.Invalid($"The experiment name is longer than {Experiment.MaxNameLength} characters.");
}
