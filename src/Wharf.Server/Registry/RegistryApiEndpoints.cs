using System.Globalization;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Mvc;
using Wharf.Client.Registry;
using Wharf.Oci;
using Wharf.Server.Auth;

namespace Wharf.Server.Registry;

/// <summary>
/// Wharf's own registry API under <c>/api/v1/registry</c> (problem details on errors), for the CLI, the SDK and
/// the UI: richer listings than the OCI API (tag targets, counts) and the operations the OCI API lacks (GC, fsck).
/// </summary>
internal static class RegistryApiEndpoints
{
    public static IEndpointRouteBuilder MapWharfRegistryApi(this IEndpointRouteBuilder endpoints)
    {
        var group = endpoints.MapGroup("/api/v1/registry");
        group.MapGet("/repositories", ListRepositoriesAsync).RequireSignedIn();
        group.MapGet("/tags", ListTagsAsync).RequireProjectScope(Scope.RegistryPull, ProjectLocators.Repository("repository"));
        group.MapDelete("/references", DeleteReferenceAsync).RequireProjectScope(Scope.RegistryDelete, ProjectLocators.Repository("reference"));
        group.MapPost("/gc", CollectGarbageAsync).RequireAdmin();

        // A check only reads (GET); a check that also removes safe leftovers changes data (POST).
        group.MapGet("/fsck", CheckAsync).RequireAdmin();
        group.MapPost("/fsck", CheckAndRepairAsync).RequireAdmin();
        return endpoints;
    }

    internal static async Task<Results<Ok<RepositoryPage>, ProblemHttpResult>> ListRepositoriesAsync(
        HttpContext context, RegistryBrowser browser, string? last, int? n, CancellationToken cancellationToken)
    {
        if (n is < 1 or > 1000)
        {
            return TypedResults.Problem(detail: "n must be between 1 and 1000", statusCode: StatusCodes.Status400BadRequest);
        }

        var visibility = Caller.Get(context).VisibleRepositories(Scope.RegistryPull);
        return TypedResults.Ok(await browser.ListRepositoriesAsync(visibility, filter: null, last, n ?? 100, cancellationToken));
    }

    internal static async Task<Results<Ok<TagPage>, ProblemHttpResult>> ListTagsAsync(
        RegistryBrowser browser, string? repository, string? last, int? n, CancellationToken cancellationToken)
    {
        if (!RepositoryName.TryParse(repository, out var name, out var error))
        {
            return TypedResults.Problem(detail: error, statusCode: StatusCodes.Status400BadRequest);
        }

        if (n is < 1 or > 1000)
        {
            return TypedResults.Problem(detail: "n must be between 1 and 1000", statusCode: StatusCodes.Status400BadRequest);
        }

        if (await browser.FindRepositoryAsync(name.Value, cancellationToken) is null)
        {
            return TypedResults.Problem(detail: $"repository {name} does not exist", statusCode: StatusCodes.Status404NotFound);
        }

        return TypedResults.Ok(await browser.ListTagsAsync(name.Value, last, n ?? 100, cancellationToken));
    }

    internal static async Task<Results<NoContent, ProblemHttpResult>> DeleteReferenceAsync(
        RegistryStore store, [FromQuery] string? reference, CancellationToken cancellationToken)
    {
        if (!TryParseReference(reference, out var name, out var tag, out var digest, out var error))
        {
            return TypedResults.Problem(detail: error, statusCode: StatusCodes.Status400BadRequest);
        }

        if (await store.FindRepositoryAsync(name.Value, cancellationToken) is not { } repository)
        {
            return TypedResults.Problem(detail: $"repository {name} does not exist", statusCode: StatusCodes.Status404NotFound);
        }

        var outcome = digest is { } d
            ? await store.DeleteManifestAsync(repository, d, cancellationToken)
            : await store.DeleteTagAsync(repository, tag!, cancellationToken) ? RegistryDeleteOutcome.Deleted : RegistryDeleteOutcome.NotFound;
        return outcome switch
        {
            RegistryDeleteOutcome.Deleted => TypedResults.NoContent(),
            RegistryDeleteOutcome.Referenced => TypedResults.Problem(
                detail: $"{reference} is listed by an index in {name}; delete the index first", statusCode: StatusCodes.Status409Conflict),
            _ => TypedResults.Problem(detail: $"{reference} does not exist", statusCode: StatusCodes.Status404NotFound),
        };
    }

    internal static async Task<Ok<GarbageCollectionResult>> CollectGarbageAsync(RegistryGarbageCollector collector, CancellationToken cancellationToken)
    {
        var report = await collector.CollectAsync(cancellationToken);
        return TypedResults.Ok(new GarbageCollectionResult(
            report.ManifestsDeleted, report.BlobLinksDeleted, report.BlobsDeleted, report.BytesFreed, report.UploadsExpired,
            Math.Round(report.Duration.TotalMilliseconds, 1)));
    }

    internal static async Task<Ok<RegistryCheckReport>> CheckAsync(RegistryFsck fsck, bool? verify, CancellationToken cancellationToken)
        => TypedResults.Ok(await fsck.CheckAsync(verify ?? false, repair: false, cancellationToken));

    internal static async Task<Ok<RegistryCheckReport>> CheckAndRepairAsync(RegistryFsck fsck, bool? verify, CancellationToken cancellationToken)
        => TypedResults.Ok(await fsck.CheckAsync(verify ?? false, repair: true, cancellationToken));

    /// <summary>Parses <c>project/repo:tag</c> or <c>project/repo@sha256:...</c>.</summary>
    private static bool TryParseReference(string? reference, out RepositoryName name, out string? tag, out Digest? digest, out string? error)
    {
        name = default;
        tag = null;
        digest = null;
        if (string.IsNullOrEmpty(reference))
        {
            error = "reference is required: <project>/<repo>:<tag> or <project>/<repo>@<digest>";
            return false;
        }

        string repositoryPart;
        var at = reference.IndexOf('@', StringComparison.Ordinal);
        if (at >= 0)
        {
            repositoryPart = reference[..at];
            if (!Digest.TryParse(reference[(at + 1)..], out var parsed, out error))
            {
                return false;
            }

            digest = parsed;
        }
        else
        {
            var colon = reference.LastIndexOf(':');
            if (colon < 0 || colon < reference.LastIndexOf('/'))
            {
                error = string.Create(CultureInfo.InvariantCulture, $"reference '{reference}' names no tag or digest");
                return false;
            }

            repositoryPart = reference[..colon];
            tag = reference[(colon + 1)..];
            if (!RepositoryName.IsValidTag(tag))
            {
                error = $"tag '{tag}' is invalid";
                return false;
            }
        }

        return RepositoryName.TryParse(repositoryPart, out name, out error);
    }
}
