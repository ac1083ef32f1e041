using System.Globalization;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using Wharf.Client.Models;
using Wharf.Server.Auth;
using Wharf.Server.Data;
using Wharf.Server.Hosting;
using Wharf.Server.Tracking;

namespace Wharf.Server.Models;

/// <summary>
/// Wharf's own model-registry API under <c>/api/v1/projects/{project}/models</c> for the CLI, the SDK and scripts
/// (problem details on errors, <see cref="ModelApiProblems"/>). The project is in the path, so the access policy checks
/// the scope on it and every lookup is confined to it; the operations are <see cref="ModelStore"/>'s, as behind the
/// MLflow routes.
/// </summary>
internal static class ModelApiEndpoints
{
    public const string Prefix = "/api/v1/projects/{project}/models";
    public const int DefaultPageSize = 100;
    public const int MaxPageSize = 1000;

    public static IEndpointRouteBuilder MapWharfModelApi(this IEndpointRouteBuilder endpoints)
    {
        var project = ProjectLocators.Project("project");
        var group = endpoints.MapGroup(Prefix).AddEndpointFilter<ModelApiProblems>();
        group.MapGet("", ListAsync).RequireProjectScope(Scope.ModelsRead, project);
        group.MapPost("", CreateAsync).RequireProjectScope(Scope.ModelsWrite, project);
        group.MapGet("/{name}", GetAsync).RequireProjectScope(Scope.ModelsRead, project);
        group.MapPost("/{name}/versions", RegisterAsync).RequireProjectScope(Scope.ModelsWrite, project);
        group.MapGet("/{name}/versions/{version}", GetVersionAsync).RequireProjectScope(Scope.ModelsRead, project);
        group.MapPut("/{name}/aliases/{alias}", SetAliasAsync).RequireProjectScope(Scope.ModelsPromote, project);
        group.MapDelete("/{name}/aliases/{alias}", DeleteAliasAsync).RequireProjectScope(Scope.ModelsPromote, project);
        return endpoints;
    }

    internal static async Task<Results<Ok<ModelPage>, ProblemHttpResult>> ListAsync(
        string project, string? last, int? n, WharfDbContext db, CancellationToken cancellationToken)
    {
        if (n is < 1 or > MaxPageSize)
        {
            return ApiProblems.BadRequest($"n must be between 1 and {MaxPageSize}");
        }

        var projectId = await db.Projects.Where(p => p.Name == project).Select(p => (long?)p.Id).FirstOrDefaultAsync(cancellationToken);
        return projectId is { } id
            ? TypedResults.Ok(await ModelApiViews.ListAsync(db, id, project, last, n ?? DefaultPageSize, cancellationToken))
            : ApiProblems.NotFound($"project '{project}' does not exist");
    }

    internal static async Task<Results<Created<ModelInfo>, ProblemHttpResult>> CreateAsync(
        HttpContext context, string project, CreateModelRequest request, ModelStore store, WharfDbContext db, CancellationToken cancellationToken)
    {
        if (!ModelNames.TryParse(request.Name, out var name, out var error) || name.Project is not null)
        {
            return ApiProblems.BadRequest(name.Project is not null ? $"name: '{request.Name}' must be a bare model name; the project is in the path" : $"name: {error}");
        }

        if (request.Description is { Length: > RegisteredModel.MaxDescriptionLength })
        {
            return ApiProblems.BadRequest($"description: longer than {RegisteredModel.MaxDescriptionLength} characters");
        }

        var caller = Caller.Get(context);
        await store.CreateModelAsync(project, name.Name, request.Description, [], caller.Name, cancellationToken);
        var model = await store.ResolveAsync(caller, $"{project}/{name.Name}", cancellationToken);
        return TypedResults.Created($"/api/v1/projects/{project}/models/{name.Name}", await ModelApiViews.ModelAsync(db, model, cancellationToken));
    }

    internal static async Task<Ok<ModelInfo>> GetAsync(
        HttpContext context, string project, string name, ModelStore store, WharfDbContext db, CancellationToken cancellationToken)
    {
        var model = await ResolveAsync(context, store, project, name, cancellationToken);
        return TypedResults.Ok(await ModelApiViews.ModelAsync(db, model, cancellationToken));
    }

    internal static async Task<Results<Created<ModelVersionInfo>, ProblemHttpResult>> RegisterAsync(
        HttpContext context, string project, string name, RegisterModelVersionRequest request, ModelStore store, WharfDbContext db,
        IOptions<WharfOptions> options, CancellationToken cancellationToken)
    {
        if (string.IsNullOrEmpty(request.Source))
        {
            return ApiProblems.BadRequest("source: required, as '<run_id>/<path>'");
        }

        // The CLI's '<run_id>/<path>' is MLflow's 'runs:/<run_id>/<path>'; ModelSource refuses every other scheme.
        var source = request.Source.Contains(":/", StringComparison.Ordinal) ? request.Source : $"runs:/{request.Source}";
        if (source.Length > ModelVersion.MaxSourceLength)
        {
            return ApiProblems.BadRequest($"source: longer than {ModelVersion.MaxSourceLength} characters");
        }

        if (request.Description is { Length: > RegisteredModel.MaxDescriptionLength })
        {
            return ApiProblems.BadRequest($"description: longer than {RegisteredModel.MaxDescriptionLength} characters");
        }

        var caller = Caller.Get(context);
        var model = await ResolveAsync(context, store, project, name, cancellationToken);
        var version = await store.CreateVersionAsync(caller, model, source, null, request.Description, [], cancellationToken);
        var info = await ModelApiViews.VersionAsync(db, model, version, RegistryHost(context, options.Value), cancellationToken);
        return TypedResults.Created(string.Create(CultureInfo.InvariantCulture, $"/api/v1/projects/{project}/models/{model.Model.Name}/versions/{version.Version}"), info);
    }

    internal static async Task<Results<Ok<ModelVersionInfo>, ProblemHttpResult>> GetVersionAsync(
        HttpContext context, string project, string name, string version, ModelStore store, WharfDbContext db, IOptions<WharfOptions> options,
        CancellationToken cancellationToken)
    {
        if (ParseVersion(version) is not { } number)
        {
            return ApiProblems.BadRequest($"version: '{MlflowRequest.Clip(version)}' is not a version number ('3' or 'v3')");
        }

        var model = await ResolveAsync(context, store, project, name, cancellationToken);
        var row = await store.FindVersionAsync(model, number, cancellationToken);
        return TypedResults.Ok(await ModelApiViews.VersionAsync(db, model, row, RegistryHost(context, options.Value), cancellationToken));
    }

    internal static async Task<Results<Ok<ModelAliasInfo>, ProblemHttpResult>> SetAliasAsync(
        HttpContext context, string project, string name, string alias, SetModelAliasRequest request, ModelStore store, CancellationToken cancellationToken)
    {
        if (request.Version < 1)
        {
            return ApiProblems.BadRequest("version: must be a positive version number");
        }

        var checkedAlias = ModelNames.Alias(alias);
        var model = await ResolveAsync(context, store, project, name, cancellationToken);
        await store.SetAliasAsync(model, checkedAlias, request.Version, cancellationToken);
        return TypedResults.Ok(new ModelAliasInfo(checkedAlias, request.Version));
    }

    internal static async Task<NoContent> DeleteAliasAsync(
        HttpContext context, string project, string name, string alias, ModelStore store, CancellationToken cancellationToken)
    {
        var model = await ResolveAsync(context, store, project, name, cancellationToken);
        await store.DeleteAliasAsync(model, alias, cancellationToken);
        return TypedResults.NoContent();
    }

    /// <summary><c>3</c> or <c>v3</c>: a positive version number; null for anything else.</summary>
    public static int? ParseVersion(string text)
    {
        var digits = text.StartsWith('v') || text.StartsWith('V') ? text[1..] : text;
        return int.TryParse(digits, NumberStyles.None, CultureInfo.InvariantCulture, out var number) && number > 0 ? number : null;
    }

    /// <summary>The model <paramref name="name"/> of <paramref name="project"/>; a bare name only, so it cannot leave the path's project.</summary>
    private static Task<ResolvedModel> ResolveAsync(HttpContext context, ModelStore store, string project, string name, CancellationToken cancellationToken)
    {
        if (name.Contains('/', StringComparison.Ordinal))
        {
            throw MlflowException.Invalid($"Invalid model name '{MlflowRequest.Clip(name)}': the project is in the path.");
        }

        return store.ResolveAsync(Caller.Get(context), $"{project}/{name}", cancellationToken);
    }

    /// <summary>The host clients pull from: Wharf:ExternalUrl's when configured (behind a proxy), else the request's.</summary>
    private static string RegistryHost(HttpContext context, WharfOptions options) =>
        options.ExternalUrl is { } external ? external.Authority : context.Request.Host.Value ?? "localhost";
}
