using Wharf.Server.Auth;
using Wharf.Server.Data;
using Wharf.Server.Tracking;

namespace Wharf.Server.Models;

/// <summary>MLflow's model-version endpoints (model_registry.proto: CreateModelVersion ... TransitionModelVersionStage).</summary>
internal static class ModelVersionEndpoints
{
    public const int DefaultMaxResults = 10_000;
    public const int MaxResultsLimit = 200_000;

    /// <summary>Most versions one page returns; the client follows next_page_token for more.</summary>
    public const int MaxPage = 1000;

    public static RouteGroupBuilder MapModelVersions(this RouteGroupBuilder group)
    {
        var model = ModelLocators.Model();
        group.MapPost("/model-versions/create", CreateAsync).RequireProjectScope(Scope.ModelsWrite, model);
        group.MapGet("/model-versions/get", GetAsync).RequireProjectScope(Scope.ModelsRead, model);
        group.MapPatch("/model-versions/update", UpdateAsync).RequireProjectScope(Scope.ModelsWrite, model);
        group.MapDelete("/model-versions/delete", DeleteAsync).RequireProjectScope(Scope.ModelsWrite, model);
        group.MapGet("/model-versions/search", SearchAsync).RequireSignedIn();
        group.MapGet("/model-versions/get-download-uri", DownloadUriAsync).RequireProjectScope(Scope.ModelsRead, model);
        group.MapPost("/model-versions/set-tag", SetTagAsync).RequireProjectScope(Scope.ModelsWrite, model);
        group.MapDelete("/model-versions/delete-tag", DeleteTagAsync).RequireProjectScope(Scope.ModelsWrite, model);
        group.MapPost("/model-versions/transition-stage", TransitionStageAsync).RequireProjectScope(Scope.ModelsPromote, model);
        return group;
    }

    internal static async Task<IResult> CreateAsync(HttpContext context, ModelStore store, CancellationToken cancellationToken)
    {
        var (caller, request, model) = await RegisteredModelEndpoints.ResolveAsync(context, store, cancellationToken);
        var source = request.RequireString("source");
        if (source.Length > ModelVersion.MaxSourceLength)
        {
            throw MlflowException.Invalid($"Parameter 'source' is longer than {ModelVersion.MaxSourceLength} characters.");
        }

        var version = await store.CreateVersionAsync(
            caller, model, source, request.RunId, ModelRequests.Description(request), ModelRequests.Tags(request), cancellationToken);
        return await VersionResultAsync(caller, store, model, version.Version, cancellationToken);
    }

    internal static async Task<IResult> GetAsync(HttpContext context, ModelStore store, CancellationToken cancellationToken)
    {
        var (caller, request, model) = await RegisteredModelEndpoints.ResolveAsync(context, store, cancellationToken);
        return await VersionResultAsync(caller, store, model, ModelRequests.Version(request), cancellationToken);
    }

    internal static async Task<IResult> UpdateAsync(HttpContext context, ModelStore store, CancellationToken cancellationToken)
    {
        var (caller, request, model) = await RegisteredModelEndpoints.ResolveAsync(context, store, cancellationToken);
        var version = ModelRequests.Version(request);
        await store.UpdateVersionAsync(model, version, ModelRequests.Description(request), cancellationToken);
        return await VersionResultAsync(caller, store, model, version, cancellationToken);
    }

    internal static async Task<IResult> DeleteAsync(HttpContext context, ModelStore store, CancellationToken cancellationToken)
    {
        var (_, request, model) = await RegisteredModelEndpoints.ResolveAsync(context, store, cancellationToken);
        await store.DeleteVersionAsync(model, ModelRequests.Version(request), cancellationToken);
        return MlflowResult.Empty;
    }

    internal static async Task<IResult> SearchAsync(HttpContext context, ModelStore store, WharfDbContext db, CancellationToken cancellationToken)
    {
        var request = await MlflowRequest.ReadAsync(context, cancellationToken);
        var maxResults = ModelRequests.MaxResults(request, DefaultMaxResults, MaxResultsLimit);
        var filter = ModelFilter.Parse(request.String("filter"), versions: true);
        var caller = Caller.Get(context);
        var projects = await ModelAccess.ReadableProjectIdsAsync(db, caller, cancellationToken);
        var (versions, next) = await store.SearchVersionsAsync(
            caller, projects, filter, request.Strings("order_by"), Math.Min(maxResults, MaxPage), request.String("page_token"), cancellationToken);
        return MlflowResult.Page("model_versions", versions, next, ModelsJson.Version);
    }

    internal static async Task<IResult> DownloadUriAsync(HttpContext context, ModelStore store, CancellationToken cancellationToken)
    {
        var (_, request, model) = await RegisteredModelEndpoints.ResolveAsync(context, store, cancellationToken);
        var uri = await store.DownloadUriAsync(model, ModelRequests.Version(request), cancellationToken);
        return MlflowResult.Ok(w => w.WriteString("artifact_uri", uri));
    }

    internal static async Task<IResult> SetTagAsync(HttpContext context, ModelStore store, CancellationToken cancellationToken)
    {
        var (_, request, model) = await RegisteredModelEndpoints.ResolveAsync(context, store, cancellationToken);
        var (key, value) = ModelRequests.Tag(request);
        await store.SetVersionTagAsync(model, ModelRequests.Version(request), key, value, cancellationToken);
        return MlflowResult.Empty;
    }

    internal static async Task<IResult> DeleteTagAsync(HttpContext context, ModelStore store, CancellationToken cancellationToken)
    {
        var (_, request, model) = await RegisteredModelEndpoints.ResolveAsync(context, store, cancellationToken);
        await store.DeleteVersionTagAsync(model, ModelRequests.Version(request), request.RequireString("key"), cancellationToken);
        return MlflowResult.Empty;
    }

    internal static async Task<IResult> TransitionStageAsync(HttpContext context, ModelStore store, CancellationToken cancellationToken)
    {
        var (caller, request, model) = await RegisteredModelEndpoints.ResolveAsync(context, store, cancellationToken);
        var version = ModelRequests.Version(request);
        var stage = ModelStages.Canonical(request.RequireString("stage"))
            ?? throw MlflowException.Invalid($"Invalid Model Version stage: {MlflowRequest.Clip(request.RequireString("stage"))}.");
        var archive = string.Equals(request.String("archive_existing_versions"), "true", StringComparison.OrdinalIgnoreCase);
        await store.TransitionStageAsync(model, version, stage, archive, cancellationToken);
        return await VersionResultAsync(caller, store, model, version, cancellationToken);
    }

    private static async Task<IResult> VersionResultAsync(AuthPrincipal caller, ModelStore store, ResolvedModel model, int version, CancellationToken cancellationToken)
    {
        var view = await store.VersionViewAsync(caller, model, version, cancellationToken);
        return MlflowResult.Ok(w =>
        {
            w.WritePropertyName("model_version");
            ModelsJson.Version(w, view);
        });
    }
}
