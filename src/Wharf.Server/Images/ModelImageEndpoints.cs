using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using Wharf.Client.Images;
using Wharf.Server.Auth;
using Wharf.Server.Data;
using Wharf.Server.Hosting;
using Wharf.Server.Models;
using Wharf.Server.Tracking;

namespace Wharf.Server.Images;

/// <summary>
/// The project setting (<c>/api/v1/projects/{project}/settings/model-images</c>: models:read to read, project:admin to
/// change) and a version's image build (<c>.../models/{name}/versions/{version}/image</c>: models:read to read,
/// models:write to rebuild). Problem details on errors.
/// </summary>
internal static class ModelImageEndpoints
{
    public static IEndpointRouteBuilder MapModelImageEndpoints(this IEndpointRouteBuilder endpoints)
    {
        var project = ProjectLocators.Project("project");
        var settings = endpoints.MapGroup("/api/v1/projects/{project}/settings/model-images");
        settings.MapGet("", GetSettingsAsync).RequireProjectScope(Scope.ModelsRead, project);
        settings.MapPut("", SetSettingsAsync).RequireProjectScope(Scope.ProjectAdmin, project);

        var image = endpoints.MapGroup("/api/v1/projects/{project}/models/{name}/versions/{version}/image").AddEndpointFilter<ModelApiProblems>();
        image.MapGet("", GetImageAsync).RequireProjectScope(Scope.ModelsRead, project);
        image.MapPost("", RebuildAsync).RequireProjectScope(Scope.ModelsWrite, project);
        return endpoints;
    }

    internal static async Task<Results<Ok<ModelImageSettings>, ProblemHttpResult>> GetSettingsAsync(
        string project, ModelImageSettingsStore store, CancellationToken cancellationToken)
        => await store.GetAsync(project, cancellationToken) is { } found
            ? TypedResults.Ok(found)
            : ApiProblems.NotFound($"project '{project}' does not exist");

    internal static async Task<Results<Ok<ModelImageSettings>, ProblemHttpResult>> SetSettingsAsync(
        HttpContext context, string project, ModelImageSettings request, ModelImageSettingsStore store, ModelImageSignal signal, CancellationToken cancellationToken)
    {
        if (request is null)
        {
            return ApiProblems.BadRequest("a body {\"enabled\": true, \"baseImage\": \"<project>/<repository>:<tag>\"} is required");
        }

        if (request.Enabled && string.IsNullOrWhiteSpace(request.BaseImage))
        {
            return ApiProblems.BadRequest("baseImage: required when enabled, as '<project>/<repository>:<tag>' in Wharf's registry");
        }

        var caller = Caller.Get(context);
        if (!string.IsNullOrWhiteSpace(request.BaseImage) && await store.CheckImageAsync(caller, "baseImage", request.BaseImage, cancellationToken) is { } baseError)
        {
            return ApiProblems.BadRequest(baseError);
        }

        if (!string.IsNullOrWhiteSpace(request.RuntimeImage) && await store.CheckImageAsync(caller, "runtimeImage", request.RuntimeImage, cancellationToken) is { } runtimeError)
        {
            return ApiProblems.BadRequest(runtimeError);
        }

        var saved = await store.SetAsync(project, request, cancellationToken);
        if (saved is null)
        {
            return ApiProblems.NotFound($"project '{project}' does not exist");
        }

        signal.Wake();
        return TypedResults.Ok(saved);
    }

    internal static async Task<Results<Ok<ModelImageBuildInfo>, ProblemHttpResult>> GetImageAsync(
        HttpContext context, string project, string name, string version, ModelStore models, WharfDbContext db, IOptions<WharfOptions> options,
        CancellationToken cancellationToken)
    {
        if (ModelApiEndpoints.ParseVersion(version) is not { } number)
        {
            return ApiProblems.BadRequest($"version: '{MlflowRequest.Clip(version)}' is not a version number ('3' or 'v3')");
        }

        var (_, row) = await ResolveAsync(context, models, project, name, number, cancellationToken);
        var build = await db.Set<ModelImageBuild>().AsNoTracking().FirstOrDefaultAsync(b => b.VersionId == row.Id, cancellationToken);
        return build is null
            ? ApiProblems.NotFound($"version {number} of model '{name}' has no image build: builds are off for project '{project}', or the version predates them (POST to build it)")
            : TypedResults.Ok(View(build, RegistryHost(context, options.Value)));
    }

    internal static async Task<Results<Accepted<ModelImageBuildInfo>, ProblemHttpResult>> RebuildAsync(
        HttpContext context, string project, string name, string version, ModelStore models, ModelImageBuilds builds, ModelImageSignal signal,
        IOptions<WharfOptions> options, CancellationToken cancellationToken)
    {
        if (ModelApiEndpoints.ParseVersion(version) is not { } number)
        {
            return ApiProblems.BadRequest($"version: '{MlflowRequest.Clip(version)}' is not a version number ('3' or 'v3')");
        }

        var (model, row) = await ResolveAsync(context, models, project, name, number, cancellationToken);
        if (row.Status != ModelVersionStatus.Ready)
        {
            return ApiProblems.Conflict($"version {number} of model '{name}' is {row.Status}: only a READY version has an image");
        }

        var build = await builds.RequestAsync(model, row, cancellationToken);
        signal.Wake();
        return TypedResults.Accepted(context.Request.Path.Value, View(build, RegistryHost(context, options.Value)));
    }

    public static ModelImageBuildInfo View(ModelImageBuild build, string host)
        => new(build.Status, $"{host}/{build.ImageReference}", build.ManifestDigest, build.Log, build.Attempts, build.UpdatedAt);

    /// <summary>The host clients pull from: Wharf:ExternalUrl's when configured (behind a proxy), else the request's.</summary>
    public static string RegistryHost(HttpContext context, WharfOptions options) =>
        options.ExternalUrl is { } external ? external.Authority : context.Request.Host.Value ?? "localhost";

    private static async Task<(ResolvedModel Model, ModelVersion Version)> ResolveAsync(
        HttpContext context, ModelStore models, string project, string name, int number, CancellationToken cancellationToken)
    {
        if (name.Contains('/', StringComparison.Ordinal))
        {
            throw MlflowException.Invalid($"Invalid model name '{MlflowRequest.Clip(name)}': the project is in the path.");
        }

        var model = await models.ResolveAsync(Caller.Get(context), $"{project}/{name}", cancellationToken);
        return (model, await models.FindVersionAsync(model, number, cancellationToken));
    }
}
