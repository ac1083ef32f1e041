using Wharf.Server.Auth;
using Wharf.Server.Data;
using Wharf.Server.Tracking;

namespace Wharf.Server.Models;

/// <summary>MLflow's registered-model endpoints (model_registry.proto: CreateRegisteredModel ... GetModelVersionByAlias).</summary>
internal static class RegisteredModelEndpoints
{
    public const int DefaultMaxResults = 100;
    public const int MaxResultsLimit = 1000;

    public static RouteGroupBuilder MapRegisteredModels(this RouteGroupBuilder group)
    {
        var read = ModelLocators.Model();
        group.MapPost("/registered-models/create", CreateAsync).RequireSignedIn();
        group.MapGet("/registered-models/get", GetAsync).RequireProjectScope(Scope.ModelsRead, read);
        group.MapPost("/registered-models/rename", RenameAsync).RequireProjectScope(Scope.ModelsWrite, read);
        group.MapPatch("/registered-models/update", UpdateAsync).RequireProjectScope(Scope.ModelsWrite, read);
        group.MapDelete("/registered-models/delete", DeleteAsync).RequireProjectScope(Scope.ModelsWrite, read);
        group.MapGet("/registered-models/search", SearchAsync).RequireSignedIn();
        group.MapPost("/registered-models/get-latest-versions", LatestVersionsAsync).RequireProjectScope(Scope.ModelsRead, read);
        group.MapGet("/registered-models/get-latest-versions", LatestVersionsAsync).RequireProjectScope(Scope.ModelsRead, read);
        group.MapPost("/registered-models/set-tag", SetTagAsync).RequireProjectScope(Scope.ModelsWrite, read);
        group.MapDelete("/registered-models/delete-tag", DeleteTagAsync).RequireProjectScope(Scope.ModelsWrite, read);
        group.MapPost("/registered-models/alias", SetAliasAsync).RequireProjectScope(Scope.ModelsPromote, read);
        group.MapDelete("/registered-models/alias", DeleteAliasAsync).RequireProjectScope(Scope.ModelsPromote, read);
        group.MapGet("/registered-models/alias", GetByAliasAsync).RequireProjectScope(Scope.ModelsRead, read);
        return group;
    }

    internal static async Task<IResult> CreateAsync(HttpContext context, ModelStore store, CancellationToken cancellationToken)
    {
        var request = await MlflowRequest.ReadAsync(context, cancellationToken);
        var name = ModelNames.Parse(request.RequireString("name"));
        var caller = Caller.Get(context);
        var project = ModelAccess.ProjectForNewModel(caller, name);
        var model = await store.CreateModelAsync(project, name.Name, ModelRequests.Description(request), ModelRequests.Tags(request), caller.Name, cancellationToken);
        return await ModelResultAsync(caller, store, model.Id, project, cancellationToken);
    }

    internal static async Task<IResult> GetAsync(HttpContext context, ModelStore store, CancellationToken cancellationToken)
    {
        var (caller, _, model) = await ResolveAsync(context, store, cancellationToken);
        return await ModelResultAsync(caller, store, model.Model.Id, model.Project, cancellationToken);
    }

    internal static async Task<IResult> RenameAsync(HttpContext context, ModelStore store, CancellationToken cancellationToken)
    {
        var (caller, request, model) = await ResolveAsync(context, store, cancellationToken);
        var newName = ModelNames.Parse(request.RequireString("new_name"));
        if (newName.Project is { } project && project != model.Project)
        {
            throw MlflowException.Invalid("A model cannot be renamed into another project.");
        }

        await store.RenameAsync(model, newName.Name, cancellationToken);
        return await ModelResultAsync(caller, store, model.Model.Id, model.Project, cancellationToken);
    }

    internal static async Task<IResult> UpdateAsync(HttpContext context, ModelStore store, CancellationToken cancellationToken)
    {
        var (caller, request, model) = await ResolveAsync(context, store, cancellationToken);
        await store.UpdateDescriptionAsync(model, ModelRequests.Description(request), cancellationToken);
        return await ModelResultAsync(caller, store, model.Model.Id, model.Project, cancellationToken);
    }

    internal static async Task<IResult> DeleteAsync(HttpContext context, ModelStore store, CancellationToken cancellationToken)
    {
        var (_, _, model) = await ResolveAsync(context, store, cancellationToken);
        await store.DeleteModelAsync(model, cancellationToken);
        return MlflowResult.Empty;
    }

    internal static async Task<IResult> SearchAsync(HttpContext context, ModelStore store, WharfDbContext db, CancellationToken cancellationToken)
    {
        var request = await MlflowRequest.ReadAsync(context, cancellationToken);
        var maxResults = ModelRequests.MaxResults(request, DefaultMaxResults, MaxResultsLimit);
        var filter = ModelFilter.Parse(request.String("filter"), versions: false);
        var caller = Caller.Get(context);
        var projects = await ModelAccess.ReadableProjectIdsAsync(db, caller, cancellationToken);
        var (models, next) = await store.SearchModelsAsync(caller, projects, filter, request.Strings("order_by"), maxResults, request.String("page_token"), cancellationToken);
        return MlflowResult.Page("registered_models", models, next, ModelsJson.Model);
    }

    internal static async Task<IResult> LatestVersionsAsync(HttpContext context, ModelStore store, CancellationToken cancellationToken)
    {
        var (caller, request, model) = await ResolveAsync(context, store, cancellationToken);
        var stages = request.Strings("stages").Select(s => ModelStages.Canonical(s) ?? throw MlflowException.Invalid($"Invalid Model Version stage: {MlflowRequest.Clip(s)}.")).ToList();
        var latest = await store.LatestVersionsAsync([model.Model.Id], stages, cancellationToken);
        var views = await store.VersionViewsAsync(caller, latest, new Dictionary<long, (string, string)> { [model.Model.Id] = (model.Model.Name, model.Project) }, cancellationToken);
        return MlflowResult.Ok(w =>
        {
            if (views.Count > 0)
            {
                w.WriteStartArray("model_versions");
                foreach (var view in views)
                {
                    ModelsJson.Version(w, view);
                }

                w.WriteEndArray();
            }
        });
    }

    internal static async Task<IResult> SetTagAsync(HttpContext context, ModelStore store, CancellationToken cancellationToken)
    {
        var (_, request, model) = await ResolveAsync(context, store, cancellationToken);
        var (key, value) = ModelRequests.Tag(request);
        await store.SetModelTagAsync(model, key, value, cancellationToken);
        return MlflowResult.Empty;
    }

    internal static async Task<IResult> DeleteTagAsync(HttpContext context, ModelStore store, CancellationToken cancellationToken)
    {
        var (_, request, model) = await ResolveAsync(context, store, cancellationToken);
        await store.DeleteModelTagAsync(model, request.RequireString("key"), cancellationToken);
        return MlflowResult.Empty;
    }

    internal static async Task<IResult> SetAliasAsync(HttpContext context, ModelStore store, CancellationToken cancellationToken)
    {
        var (_, request, model) = await ResolveAsync(context, store, cancellationToken);
        var alias = ModelNames.Alias(request.String("alias"));
        await store.SetAliasAsync(model, alias, ModelRequests.Version(request), cancellationToken);
        return MlflowResult.Empty;
    }

    internal static async Task<IResult> DeleteAliasAsync(HttpContext context, ModelStore store, CancellationToken cancellationToken)
    {
        var (_, request, model) = await ResolveAsync(context, store, cancellationToken);
        await store.DeleteAliasAsync(model, request.RequireString("alias"), cancellationToken);
        return MlflowResult.Empty;
    }

    internal static async Task<IResult> GetByAliasAsync(HttpContext context, ModelStore store, CancellationToken cancellationToken)
    {
        var (caller, request, model) = await ResolveAsync(context, store, cancellationToken);
        var version = await store.VersionOfAliasAsync(model, request.RequireString("alias"), cancellationToken);
        var view = await store.VersionViewAsync(caller, model, version, cancellationToken);
        return MlflowResult.Ok(w =>
        {
            w.WritePropertyName("model_version");
            ModelsJson.Version(w, view);
        });
    }

    /// <summary>The caller, the request and the stored model it names (the access policy has checked the scope on its project).</summary>
    internal static async Task<(AuthPrincipal Caller, MlflowRequest Request, ResolvedModel Model)> ResolveAsync(HttpContext context, ModelStore store, CancellationToken cancellationToken)
    {
        var request = await MlflowRequest.ReadAsync(context, cancellationToken);
        var caller = Caller.Get(context);
        return (caller, request, await store.ResolveAsync(caller, request.RequireString("name"), cancellationToken));
    }

    private static async Task<IResult> ModelResultAsync(AuthPrincipal caller, ModelStore store, long id, string project, CancellationToken cancellationToken)
    {
        var view = await store.ViewAsync(caller, id, project, cancellationToken);
        return MlflowResult.Ok(w =>
        {
            w.WritePropertyName("registered_model");
            ModelsJson.Model(w, view);
        });
    }
}
