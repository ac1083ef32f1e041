using System.Text.Json;
using Microsoft.AspNetCore.Http.HttpResults;
using Wharf.Serving.Models;

namespace Wharf.Serving.Protocol;

/// <summary>
/// The model repository extension: <c>POST /v2/repository/index</c>, <c>.../models/{name}/load</c> and <c>/unload</c>.
/// The index honours the body's <c>"ready"</c> filter; a load's body (config overrides) is not read: a load always
/// loads what the repository holds.
/// </summary>
internal static class RepositoryEndpoints
{
    private const long MaxIndexRequestBytes = 64 * 1024;

    public static IEndpointRouteBuilder MapRepositoryEndpoints(this IEndpointRouteBuilder endpoints)
    {
        endpoints.MapPost("/v2/repository/index", Index);
        endpoints.MapPost("/v2/repository/models/{name}/load", LoadAsync);
        endpoints.MapPost("/v2/repository/models/{name}/unload", UnloadAsync);
        return endpoints;
    }

    private static async Task<Results<JsonHttpResult<RepositoryIndexEntry[]>, JsonHttpResult<ErrorResponse>>> Index(
        HttpRequest request, ModelRepository repository, CancellationToken cancellationToken)
    {
        bool readyOnly;
        try
        {
            var body = await RequestBody.ReadAsync(request, MaxIndexRequestBytes, cancellationToken);
            readyOnly = body.Length > 0
                && JsonSerializer.Deserialize(body.Span, ProtocolJson.Context.RepositoryIndexRequest)?.Ready == true;
        }
        catch (JsonException exception)
        {
            return ProtocolResults.Error(StatusCodes.Status400BadRequest, $"invalid JSON: {exception.Message}");
        }
        catch (ProtocolException exception)
        {
            return ProtocolResults.Error(exception.StatusCode, exception.Message);
        }

        var entries = repository.Models
            .SelectMany(model => model.Versions.Select(v => new RepositoryIndexEntry(model.Name, v.Version, v.State.ToWireName(), v.Reason)))
            .Where(entry => !readyOnly || entry.State == "READY")
            .ToArray();
        return TypedResults.Json(entries, ProtocolJson.Context.RepositoryIndexEntryArray);
    }

    private static async Task<Results<Ok, JsonHttpResult<ErrorResponse>>> LoadAsync(
        string name, ModelRepository repository, CancellationToken cancellationToken)
    {
        var entry = await repository.LoadAsync(name, cancellationToken);
        if (entry is null)
        {
            return ProtocolResults.Error(StatusCodes.Status404NotFound, $"model '{name}' is not in the model repository");
        }

        var failed = entry.Versions.Where(v => v.State != ModelState.Ready).ToArray();
        return failed.Length == 0
            ? TypedResults.Ok()
            : ProtocolResults.Error(
                StatusCodes.Status400BadRequest,
                $"failed to load model '{name}': " + string.Join("; ", failed.Select(v => $"version {v.Version}: {v.Reason}")));
    }

    private static async Task<Results<Ok, JsonHttpResult<ErrorResponse>>> UnloadAsync(
        string name, ModelRepository repository, CancellationToken cancellationToken) =>
        await repository.UnloadAsync(name, cancellationToken)
            ? TypedResults.Ok()
            : ProtocolResults.Error(StatusCodes.Status404NotFound, $"model '{name}' is not in the model repository");
}
